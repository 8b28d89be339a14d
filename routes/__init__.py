"""The HTTP routes (server.py lists them): /graphql (API, subscriptions and GraphiQL),
/files/{id} (downloads), exports, dossiers, briefings, open data, /healthz, /metrics, and
the web app at /."""
