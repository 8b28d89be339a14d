"""The GraphQL schema: the root types composed from each domain, and its limits."""

import strawberry
from strawberry.extensions import MaxAliasesLimiter, MaxTokensLimiter, QueryDepthLimiter
from strawberry.tools import merge_types

from schema.agreement_mutations import AgreementMutations
from schema.agreements import AgreementQueries
from schema.audit import AuditQueries
from schema.extensions import ShapeErrors
from schema.identity import IdentityMutations, IdentityQueries
from schema.nodes import NodeQueries
from schema.notifications import NotificationMutations, NotificationQueries
from schema.org_units import OrgUnitMutations, OrgUnitQueries
from schema.partners import PartnerMutations, PartnerQueries
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
    ),
)


def build_schema(settings: Settings) -> strawberry.Schema:
    return strawberry.Schema(
        query=Query,
        mutation=Mutation,
        extensions=[
            ShapeErrors,
            lambda: QueryDepthLimiter(max_depth=settings.max_query_depth),
            lambda: MaxAliasesLimiter(max_alias_count=settings.max_aliases),
            lambda: MaxTokensLimiter(max_token_count=settings.max_tokens),
        ],
    )
