"""Vocabularies of the domain. Official abbreviations stay as values (see docs/domain.md)."""

from enum import StrEnum


class AgreementForm(StrEnum):
    KSB = "KSB"  # Kesepakatan Bersama: framework MoU
    PKS = "PKS"  # Perjanjian Kerja Sama: implementing agreement under a KSB
    NK = "NK"  # Nota Kesepakatan: MoU with central-government bodies


# The full names of the forms, as legal texts and the open-data feed write them.
FORM_NAMES = {
    AgreementForm.KSB: "Kesepakatan Bersama",
    AgreementForm.PKS: "Perjanjian Kerja Sama",
    AgreementForm.NK: "Nota Kesepakatan",
}


class CooperationType(StrEnum):
    KSDD = "KSDD"  # with another Indonesian region
    KSDPK = "KSDPK"  # with a third party
    KSDPL = "KSDPL"  # with a foreign local government
    KSDLL = "KSDLL"  # with a foreign institution
    SINERGI = "SINERGI"  # with central bodies, state universities, TNI/Polri


class AgreementStatus(StrEnum):
    DRAFT = "DRAFT"
    ACTIVE = "ACTIVE"
    EXPIRED = "EXPIRED"
    TERMINATED = "TERMINATED"
    EXTENDED = "EXTENDED"


class Visibility(StrEnum):
    PUBLIC = "PUBLIC"
    INTERNAL = "INTERNAL"


class PartnerKind(StrEnum):
    REGIONAL_GOVERNMENT = "REGIONAL_GOVERNMENT"
    UNIVERSITY = "UNIVERSITY"
    COMPANY = "COMPANY"
    STATE_ENTERPRISE = "STATE_ENTERPRISE"
    NGO = "NGO"
    FOREIGN_GOVERNMENT = "FOREIGN_GOVERNMENT"
    FOREIGN_INSTITUTION = "FOREIGN_INSTITUTION"
    CENTRAL_GOVERNMENT = "CENTRAL_GOVERNMENT"
    OTHER = "OTHER"


class DocumentType(StrEnum):
    REQUEST_LETTER = "REQUEST_LETTER"
    TOR = "TOR"
    FEASIBILITY_STUDY = "FEASIBILITY_STUDY"
    DRAFT = "DRAFT"
    SIGNED_KSB = "SIGNED_KSB"
    SIGNED_PKS = "SIGNED_PKS"
    SIGNED_NK = "SIGNED_NK"
    ADDENDUM = "ADDENDUM"
    MINUTES = "MINUTES"
    REPORT = "REPORT"
    EVIDENCE = "EVIDENCE"
    CORRESPONDENCE = "CORRESPONDENCE"
    OTHER = "OTHER"


SIGNED_DOCUMENT_TYPE = {
    AgreementForm.KSB: DocumentType.SIGNED_KSB,
    AgreementForm.PKS: DocumentType.SIGNED_PKS,
    AgreementForm.NK: DocumentType.SIGNED_NK,
}


class ChronologyKind(StrEnum):
    CREATED = "CREATED"
    PROPOSED = "PROPOSED"
    REVIEWED = "REVIEWED"
    SIGNED = "SIGNED"
    UPDATED = "UPDATED"
    STATUS_CHANGED = "STATUS_CHANGED"
    DOCUMENT_ADDED = "DOCUMENT_ADDED"
    AMENDED = "AMENDED"
    EXTENDED = "EXTENDED"
    TERMINATED = "TERMINATED"
    EVALUATED = "EVALUATED"
    MEETING = "MEETING"
    CORRESPONDENCE = "CORRESPONDENCE"
    HANDOVER = "HANDOVER"
    NOTE = "NOTE"
    CORRECTION = "CORRECTION"


class Role(StrEnum):
    ADMIN = "ADMIN"
    REVIEWER = "REVIEWER"
    OFFICER = "OFFICER"
    EXECUTIVE = "EXECUTIVE"
    PARTNER = "PARTNER"


class PartnerStatus(StrEnum):
    """Whether the cooperation unit has checked who a partner is. A partner recorded by an
    ADMIN is VERIFIED; one that registered itself online waits as UNVERIFIED."""

    UNVERIFIED = "UNVERIFIED"
    VERIFIED = "VERIFIED"
    REJECTED = "REJECTED"


class ProposalStatus(StrEnum):
    DRAFT = "DRAFT"
    SUBMITTED = "SUBMITTED"
    VERIFIED = "VERIFIED"  # complete and in order (Bagian Kerja Sama)
    IN_REVIEW = "IN_REVIEW"  # the TKKSD has reviewed it at least once
    REVISION_REQUESTED = "REVISION_REQUESTED"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"
    WITHDRAWN = "WITHDRAWN"


class ReviewRecommendation(StrEnum):
    """What a TKKSD reviewer advises; the decision stays with the cooperation unit."""

    APPROVE = "APPROVE"
    REVISE = "REVISE"
    REJECT = "REJECT"


class EvaluationStatus(StrEnum):
    DRAFT = "DRAFT"
    SUBMITTED = "SUBMITTED"  # the evaluator's findings are final
    REVIEWED = "REVIEWED"  # the cooperation unit has read and accepted them


class Recommendation(StrEnum):
    CONTINUE = "CONTINUE"
    EXPAND = "EXPAND"
    REVISE = "REVISE"
    TERMINATE = "TERMINATE"


class Indicator(StrEnum):
    """The eight things a monitoring visit scores, 1 (poor) to 5 (very good)."""

    GOAL_FIT = "GOAL_FIT"  # kesesuaian dengan tujuan
    TIMELINESS = "TIMELINESS"  # ketepatan waktu
    PARTNER_CONTRIBUTION = "PARTNER_CONTRIBUTION"  # kontribusi mitra
    COORDINATION = "COORDINATION"  # koordinasi
    OUTPUT_ACHIEVEMENT = "OUTPUT_ACHIEVEMENT"  # capaian keluaran
    BENEFIT = "BENEFIT"  # manfaat
    DOCUMENT_COMPLETENESS = "DOCUMENT_COMPLETENESS"  # kelengkapan dokumen
    REGULAR_REPORTING = "REGULAR_REPORTING"  # pelaporan berkala


class PeriodLength(StrEnum):
    SEMESTER = "SEMESTER"  # 2026-S1, 2026-S2
    QUARTER = "QUARTER"  # 2026-Q1 … 2026-Q4


class AlertKind(StrEnum):
    EXPIRING = "EXPIRING"  # ACTIVE and ending within the window
    PAST_END = "PAST_END"  # past its end date, still ACTIVE
    EVALUATION_OVERDUE = "EVALUATION_OVERDUE"  # the last period ended without an evaluation
    FOLLOW_UP_OVERDUE = "FOLLOW_UP_OVERDUE"  # a follow-up action past its due date


class AlertSeverity(StrEnum):
    INFO = "INFO"
    WARNING = "WARNING"
    CRITICAL = "CRITICAL"


class Language(StrEnum):
    """The languages people read the system in (Indonesian first)."""

    ID = "id"
    EN = "en"
