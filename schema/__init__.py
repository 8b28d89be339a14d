"""The GraphQL schema: the root types composed from each domain, and its limits."""

import strawberry
from strawberry.extensions import (
    AddValidationRules,
    DisableIntrospection,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    SchemaExtension,
    ValidationCache,
)
from strawberry.file_uploads import Upload
from strawberry.tools import merge_types

from observability import NameOperation
from resolvers.persisted_queries import PersistedQueryStore
from schema.agreement_mutations import AgreementMutations
from schema.agreements import AgreementQueries
from schema.audit import AuditQueries
from schema.chronology import ChronologyMutations, ChronologyQueries
from schema.cost import QueryCost
from schema.document_search import DocumentSearchQueries, DocumentTextMutations
from schema.evaluations import EvaluationMutations, EvaluationQueries
from schema.extensions import ShapeErrors
from schema.fixity import FixityMutations, FixityQueries
from schema.identity import IdentityMutations, IdentityQueries
from schema.input_guards import InputGuards
from schema.labels import LabelQueries, describe_enum_values
from schema.live import Subscription
from schema.monitoring import MonitoringQueries
from schema.nodes import NodeQueries
from schema.notifications import NotificationMutations, NotificationQueries
from schema.org_units import OrgUnitMutations, OrgUnitQueries
from schema.partner_registration import PartnerRegistrationMutations
from schema.partners import PartnerMutations, PartnerQueries
from schema.persisted_queries import PersistedQueries
from schema.preferences import PreferenceMutations
from schema.proposals import ProposalMutations, ProposalQueries
from schema.public import PublicMutations, PublicQueries
from schema.stats import StatsQueries
from schema.uploads import UploadScalar
from settings import Settings

Query = merge_types(
    "Query",
    (
        NodeQueries,
        IdentityQueries,
        AgreementQueries,
        PartnerQueries,
        OrgUnitQueries,
        AuditQueries,
        NotificationQueries,
        ProposalQueries,
        PublicQueries,
        StatsQueries,
        ChronologyQueries,
        EvaluationQueries,
        MonitoringQueries,
        FixityQueries,
        LabelQueries,
        DocumentSearchQueries,
    ),
)
Mutation = merge_types(
    "Mutation",
    (
        IdentityMutations,
        AgreementMutations,
        PartnerMutations,
        OrgUnitMutations,
        NotificationMutations,
        PartnerRegistrationMutations,
        ProposalMutations,
        PublicMutations,
        ChronologyMutations,
        EvaluationMutations,
        FixityMutations,
        PreferenceMutations,
        DocumentTextMutations,
    ),
)


# Distinct query texts kept parsed and validated: the web app's and the field app's
# operations with room to spare; unique texts from elsewhere only push old ones out.
QUERY_CACHE_SIZE = 512


def build_schema(settings: Settings) -> strawberry.Schema:
    # One store per schema (per process): its cache is in front of the shared collection.
    persisted = PersistedQueryStore(settings.persisted_query_cache_size)
    closed: list[type[SchemaExtension]] = (
        [] if settings.introspection_enabled else [DisableIntrospection]
    )
    # Built once, so that every request validates with the same rule classes and
    # ValidationCache can reuse the result for a query text it has seen.
    limits = [
        *QueryDepthLimiter(max_depth=settings.max_query_depth).validation_rules,
        *MaxAliasesLimiter(max_alias_count=settings.max_aliases).validation_rules,
    ]
    schema = strawberry.Schema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        scalar_overrides={Upload: UploadScalar},
        extensions=[
            ShapeErrors,
            NameOperation,
            lambda: InputGuards(max_list_items=settings.max_input_list_items),
            lambda: PersistedQueries(
                store=persisted, only_for_anonymous=settings.persisted_queries_only_for_anonymous
            ),
            lambda: AddValidationRules(limits),
            lambda: MaxTokensLimiter(max_token_count=settings.max_tokens),
            # Clients send the same few queries again and again: each distinct text is parsed
            # and validated once (a few ms of the event loop per request otherwise).
            lambda: ParserCache(maxsize=QUERY_CACHE_SIZE),
            lambda: ValidationCache(maxsize=QUERY_CACHE_SIZE),
            lambda: QueryCost(limit=settings.max_query_cost, full_page=settings.max_page_size),
            *closed,
        ],
    )
    describe_enum_values(schema._schema)
    return schema
