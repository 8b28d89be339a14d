"""The domain's vocabularies as GraphQL enums (values are the model's)."""

import strawberry

from models.enums import (
    AgreementForm,
    AgreementStatus,
    ChronologyKind,
    CooperationType,
    DocumentType,
    Language,
    PartnerKind,
    PartnerStatus,
    ProposalStatus,
    ReviewRecommendation,
    Visibility,
)

AgreementFormEnum = strawberry.enum(
    AgreementForm, name="AgreementForm", description="KSB, PKS (under a KSB) or NK."
)
CooperationTypeEnum = strawberry.enum(CooperationType, name="CooperationType")
AgreementStatusEnum = strawberry.enum(AgreementStatus, name="AgreementStatus")
VisibilityEnum = strawberry.enum(Visibility, name="Visibility")
PartnerKindEnum = strawberry.enum(PartnerKind, name="PartnerKind")
DocumentTypeEnum = strawberry.enum(DocumentType, name="DocumentType")
ChronologyKindEnum = strawberry.enum(ChronologyKind, name="ChronologyKind")
PartnerStatusEnum = strawberry.enum(
    PartnerStatus,
    name="PartnerStatus",
    description="UNVERIFIED: registered itself online, not yet checked by the cooperation unit.",
)
ProposalStatusEnum = strawberry.enum(ProposalStatus, name="ProposalStatus")
LanguageEnum = strawberry.enum(Language, name="Language")
ReviewRecommendationEnum = strawberry.enum(
    ReviewRecommendation, name="ReviewRecommendation", description="A TKKSD reviewer's advice."
)
