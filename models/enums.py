"""Vocabularies of the domain. Official abbreviations stay as values (see DOMAIN.md)."""

from enum import StrEnum


class AgreementForm(StrEnum):
    KSB = "KSB"  # Kesepakatan Bersama: framework MoU
    PKS = "PKS"  # Perjanjian Kerja Sama: implementing agreement under a KSB
    NK = "NK"  # Nota Kesepakatan: MoU with central-government bodies


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
