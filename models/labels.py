"""What each value of every public vocabulary is called, for people.

Values stay as stable English codes in the data and the API; people read a label and a
description in their language. Both are English msgids here, translated through the gettext
catalogs; the schema shows the English description in the SDL and `enumLabels` serves the
translated pair. The table is keyed by the GraphQL name of the enum (the Python class name)
and the value's name.
"""

from enum import Enum

from i18n import N_, _

LABELS: dict[str, dict[str, tuple[str, str]]] = {
    "AgreementForm": {
        "KSB": (
            N_("Joint Agreement (KSB)"),
            N_("Kesepakatan Bersama: a framework memorandum of understanding."),
        ),
        "PKS": (
            N_("Cooperation Agreement (PKS)"),
            N_("Perjanjian Kerja Sama: an implementing agreement, usually under a KSB."),
        ),
        "NK": (
            N_("Memorandum of Understanding (NK)"),
            N_("Nota Kesepakatan: the form used with central-government bodies."),
        ),
    },
    "CooperationType": {
        "KSDD": (
            N_("With another region (KSDD)"),
            N_("Cooperation with another Indonesian regional government."),
        ),
        "KSDPK": (
            N_("With a third party (KSDPK)"),
            N_("Cooperation with a company, university, NGO or other third party."),
        ),
        "KSDPL": (
            N_("With a foreign local government (KSDPL)"),
            N_("Cooperation with a local government abroad."),
        ),
        "KSDLL": (
            N_("With a foreign institution (KSDLL)"),
            N_("Cooperation with an institution abroad."),
        ),
        "SINERGI": (
            N_("Synergy (Sinergi)"),
            N_("Cooperation with ministries, agencies, state universities, TNI or Polri."),
        ),
    },
    "AgreementStatus": {
        "DRAFT": (N_("Draft"), N_("Recorded but not signed and in force yet.")),
        "ACTIVE": (N_("Active"), N_("Signed and in force.")),
        "EXPIRED": (N_("Expired"), N_("Its term ended without a renewal.")),
        "TERMINATED": (N_("Terminated"), N_("Ended early, with a recorded reason.")),
        "EXTENDED": (N_("Extended"), N_("Replaced by an activated renewal.")),
    },
    "Visibility": {
        "PUBLIC": (N_("Public"), N_("Shown in the public catalogue.")),
        "INTERNAL": (N_("Internal"), N_("Seen only by signed-in staff and its parties.")),
    },
    "PartnerKind": {
        "REGIONAL_GOVERNMENT": (
            N_("Regional government"),
            N_("A province, regency or city of Indonesia."),
        ),
        "UNIVERSITY": (N_("University"), N_("A university or other higher-education body.")),
        "COMPANY": (N_("Company"), N_("A private business.")),
        "STATE_ENTERPRISE": (N_("State enterprise"), N_("A state- or region-owned enterprise.")),
        "NGO": (N_("Non-governmental organisation"), N_("A foundation, association or NGO.")),
        "FOREIGN_GOVERNMENT": (N_("Foreign government"), N_("A government abroad.")),
        "FOREIGN_INSTITUTION": (N_("Foreign institution"), N_("An institution abroad.")),
        "CENTRAL_GOVERNMENT": (
            N_("Central government"),
            N_("A ministry or agency of the national government."),
        ),
        "OTHER": (N_("Other"), N_("None of the kinds above.")),
    },
    "DocumentType": {
        "REQUEST_LETTER": (N_("Request letter"), N_("The proposer's request or offer letter.")),
        "TOR": (N_("Terms of reference (KAK)"), N_("Kerangka Acuan Kerja of the cooperation.")),
        "FEASIBILITY_STUDY": (N_("Feasibility study"), N_("A study of whether it is worth it.")),
        "DRAFT": (N_("Draft text"), N_("A draft of the agreement's text.")),
        "SIGNED_KSB": (N_("Signed KSB"), N_("The scan of the signed Kesepakatan Bersama.")),
        "SIGNED_PKS": (N_("Signed PKS"), N_("The scan of the signed Perjanjian Kerja Sama.")),
        "SIGNED_NK": (N_("Signed NK"), N_("The scan of the signed Nota Kesepakatan.")),
        "ADDENDUM": (N_("Addendum"), N_("The signed text of an amendment.")),
        "MINUTES": (N_("Minutes"), N_("Minutes of a meeting.")),
        "REPORT": (N_("Report"), N_("A progress or final report.")),
        "EVIDENCE": (N_("Evidence"), N_("Proof of an activity, such as photos.")),
        "CORRESPONDENCE": (N_("Correspondence"), N_("A letter sent or received.")),
        "OTHER": (N_("Other document"), N_("A document of another kind.")),
    },
    "ChronologyKind": {
        "CREATED": (N_("Recorded"), N_("The agreement was recorded in the system.")),
        "PROPOSED": (N_("Proposed"), N_("The cooperation was proposed.")),
        "REVIEWED": (N_("Reviewed"), N_("The proposal was reviewed.")),
        "SIGNED": (N_("Signed"), N_("The agreement was signed and came into force.")),
        "UPDATED": (N_("Updated"), N_("The agreement's details were changed.")),
        "STATUS_CHANGED": (N_("Status changed"), N_("The agreement's status changed.")),
        "DOCUMENT_ADDED": (N_("Document added"), N_("A document was uploaded.")),
        "AMENDED": (N_("Amended"), N_("An addendum was signed.")),
        "EXTENDED": (N_("Extended"), N_("A renewal was agreed.")),
        "TERMINATED": (N_("Terminated"), N_("The agreement was ended early.")),
        "EVALUATED": (N_("Evaluated"), N_("An evaluation was recorded.")),
        "MEETING": (N_("Meeting"), N_("A meeting about the cooperation.")),
        "CORRESPONDENCE": (N_("Correspondence"), N_("A letter sent or received.")),
        "HANDOVER": (N_("Handover"), N_("The responsibility passed to other officials.")),
        "NOTE": (N_("Note"), N_("A note entered by hand.")),
        "CORRECTION": (N_("Correction"), N_("A correction of an earlier event.")),
    },
    "Role": {
        "ADMIN": (N_("Administrator"), N_("Bagian Kerja Sama: may do everything.")),
        "REVIEWER": (N_("Reviewer (TKKSD)"), N_("A member of the review team (TKKSD).")),
        "OFFICER": (N_("Department officer"), N_("Staff of a city department (OPD).")),
        "EXECUTIVE": (N_("Executive"), N_("The city's leadership: reads everything.")),
        "PARTNER": (N_("Partner"), N_("A user of an outside partner organisation.")),
    },
    "PartnerStatus": {
        "UNVERIFIED": (
            N_("Unverified"),
            N_("Registered itself online, not yet checked by the cooperation unit."),
        ),
        "VERIFIED": (N_("Verified"), N_("Checked by the cooperation unit.")),
        "REJECTED": (N_("Rejected"), N_("Its registration was refused.")),
    },
    "ProposalStatus": {
        "DRAFT": (N_("Draft"), N_("Being written by the proposer.")),
        "SUBMITTED": (N_("Submitted"), N_("Sent in, waiting for verification.")),
        "VERIFIED": (N_("Verified"), N_("Complete and in order, waiting for review.")),
        "IN_REVIEW": (N_("In review"), N_("Reviewed by the TKKSD at least once.")),
        "REVISION_REQUESTED": (
            N_("Revision requested"),
            N_("Sent back to the proposer to be revised."),
        ),
        "APPROVED": (N_("Approved"), N_("Accepted; a draft agreement was created.")),
        "REJECTED": (N_("Rejected"), N_("Refused, with a reason.")),
        "WITHDRAWN": (N_("Withdrawn"), N_("Taken back by the proposer.")),
    },
    "ReviewRecommendation": {
        "APPROVE": (N_("Approve"), N_("The reviewer advises to approve.")),
        "REVISE": (N_("Revise"), N_("The reviewer advises a revision.")),
        "REJECT": (N_("Reject"), N_("The reviewer advises to reject.")),
    },
    "EvaluationStatus": {
        "DRAFT": (N_("Draft"), N_("Being written by the evaluator.")),
        "SUBMITTED": (N_("Submitted"), N_("The evaluator's findings are final.")),
        "REVIEWED": (N_("Reviewed"), N_("Read and accepted by the cooperation unit.")),
    },
    "Recommendation": {
        "CONTINUE": (N_("Continue"), N_("Continue the cooperation as it is.")),
        "EXPAND": (N_("Expand"), N_("Widen the cooperation.")),
        "REVISE": (N_("Revise"), N_("Change the cooperation's terms.")),
        "TERMINATE": (N_("Terminate"), N_("End the cooperation.")),
    },
    "Indicator": {
        "GOAL_FIT": (N_("Fit with the goals"), N_("How well it serves its stated goals.")),
        "TIMELINESS": (N_("Timeliness"), N_("Whether activities happen on time.")),
        "PARTNER_CONTRIBUTION": (
            N_("Partner contribution"),
            N_("What the partner contributes as agreed."),
        ),
        "COORDINATION": (N_("Coordination"), N_("How well the parties coordinate.")),
        "OUTPUT_ACHIEVEMENT": (N_("Output achievement"), N_("Whether planned outputs exist.")),
        "BENEFIT": (N_("Benefit"), N_("The benefit to the city and its people.")),
        "DOCUMENT_COMPLETENESS": (
            N_("Document completeness"),
            N_("Whether the required documents are on file."),
        ),
        "REGULAR_REPORTING": (N_("Regular reporting"), N_("Whether reports arrive on schedule.")),
    },
    "PeriodLength": {
        "SEMESTER": (N_("semester"), N_("Half a year: 2026-S1, 2026-S2.")),
        "QUARTER": (N_("quarter"), N_("A quarter of a year: 2026-Q1 to 2026-Q4.")),
    },
    "Language": {
        "ID": (N_("Bahasa Indonesia"), N_("Indonesian, the default.")),
        "EN": (N_("English"), N_("English.")),
    },
    "AlertKind": {
        "EXPIRING": (N_("Expiring soon"), N_("Active and ending within the warning window.")),
        "PAST_END": (N_("Past its end"), N_("Past its end date but still active.")),
        "EVALUATION_OVERDUE": (
            N_("Evaluation overdue"),
            N_("The last period ended without an evaluation."),
        ),
        "FOLLOW_UP_OVERDUE": (
            N_("Follow-up overdue"),
            N_("A follow-up action is past its due date."),
        ),
    },
    "AlertSeverity": {
        "INFO": (N_("Information"), N_("Worth knowing; nothing is late yet.")),
        "WARNING": (N_("Warning"), N_("Needs attention soon.")),
        "CRITICAL": (N_("Critical"), N_("Late: needs attention now.")),
    },
    "AuditOutcome": {
        "SUCCESS": (N_("Succeeded"), N_("The request did what it asked.")),
        "REFUSED": (N_("Refused by a rule"), N_("A business rule refused it.")),
        "FORBIDDEN": (N_("Forbidden"), N_("The actor may not do this.")),
        "UNAUTHENTICATED": (N_("Not signed in"), N_("The request carried no valid sign-in.")),
        "ERROR": (N_("Failed"), N_("An unexpected fault stopped it.")),
    },
    "DeadlineKind": {
        "EXPIRY": (N_("End of term"), N_("The agreement's term ends.")),
        "EVALUATION": (N_("Evaluation due"), N_("An evaluation falls due.")),
        "FOLLOW_UP": (N_("Follow-up due"), N_("A follow-up action falls due.")),
    },
    "AgreementDimension": {
        "COOPERATION_TYPE": (N_("Cooperation type"), N_("Group by cooperation type.")),
        "FORM": (N_("Form"), N_("Group by form (KSB, PKS, NK).")),
        "STATUS": (N_("Status"), N_("Group by status.")),
        "FIELD": (N_("Field"), N_("Group by field (education, health and so on).")),
        "ORG_UNIT": (N_("Department"), N_("Group by lead department.")),
        "PARTNER_KIND": (N_("Partner kind"), N_("Group by the partners' kinds.")),
        "SIGNED_YEAR": (N_("Year signed"), N_("Group by the year of signing.")),
        "END_YEAR": (N_("Year ending"), N_("Group by the year the term ends.")),
    },
    "EvaluationDimension": {
        "PERIOD": (N_("Period"), N_("Group by evaluation period.")),
        "STATUS": (N_("Status"), N_("Group by status.")),
        "RECOMMENDATION": (N_("Recommendation"), N_("Group by recommendation.")),
        "COOPERATION_TYPE": (N_("Cooperation type"), N_("Group by cooperation type.")),
        "FIELD": (N_("Field"), N_("Group by field (education, health and so on).")),
        "ORG_UNIT": (N_("Department"), N_("Group by lead department.")),
    },
    "AgreementOrderField": {
        "NUMBER": (N_("Number"), N_("Sort by registry number.")),
        "TITLE": (N_("Title"), N_("Sort by title.")),
        "SIGNED_ON": (N_("Date signed"), N_("Sort by signing date.")),
        "ENDS_ON": (N_("End date"), N_("Sort by end date.")),
        "UPDATED_AT": (N_("Last changed"), N_("Sort by the time of the last change.")),
    },
    "PublicAgreementOrderField": {
        "NUMBER": (N_("Number"), N_("Sort by registry number.")),
        "TITLE": (N_("Title"), N_("Sort by title.")),
        "SIGNED_ON": (N_("Date signed"), N_("Sort by signing date.")),
        "ENDS_ON": (N_("End date"), N_("Sort by end date.")),
    },
    "OrgUnitOrderField": {
        "NAME": (N_("Name"), N_("Sort by name.")),
        "CODE": (N_("Code"), N_("Sort by code.")),
    },
    "PartnerOrderField": {
        "NAME": (N_("Name"), N_("Sort by name.")),
        "UPDATED_AT": (N_("Last changed"), N_("Sort by the time of the last change.")),
    },
    "ProposalOrderField": {
        "STATUS_CHANGED_AT": (N_("Status changed"), N_("Sort by when the status last changed.")),
        "SUBMITTED_AT": (N_("Submitted"), N_("Sort by submission time.")),
        "UPDATED_AT": (N_("Last changed"), N_("Sort by the time of the last change.")),
        "TRACKING_CODE": (N_("Tracking code"), N_("Sort by tracking code.")),
    },
    "SortDirection": {
        "ASC": (N_("Ascending"), N_("Smallest, earliest or A first.")),
        "DESC": (N_("Descending"), N_("Largest, latest or Z first.")),
    },
    "ErrorCode": {
        "INVALID": (N_("Invalid"), N_("A value breaks a rule.")),
        "REQUIRED": (N_("Required"), N_("A value is missing.")),
        "NOT_FOUND": (N_("Not found"), N_("No such record, or not visible to you.")),
        "DUPLICATE": (N_("Duplicate"), N_("The value is already in use.")),
        "CONFLICT": (N_("Conflict"), N_("Someone else changed it first; reload.")),
        "INVALID_TRANSITION": (
            N_("Not allowed now"),
            N_("The record's status does not allow this step."),
        ),
        "INVALID_PARENT": (N_("Invalid parent"), N_("The parent agreement does not fit.")),
        "OUTSIDE_PARENT_TERM": (
            N_("Outside the parent's term"),
            N_("A PKS must start and end within the term of its KSB."),
        ),
        "MISSING_SIGNED_DOCUMENT": (
            N_("Signed text missing"),
            N_("Upload the signed scan first."),
        ),
        "FILE_TOO_LARGE": (N_("File too large"), N_("The file exceeds the upload limit.")),
        "FILE_EMPTY": (N_("File empty"), N_("The file has no content.")),
        "UNSUPPORTED_FILE_TYPE": (
            N_("File type not accepted"),
            N_("Only documents and images of accepted types."),
        ),
        "PAGE_SIZE_EXCEEDED": (N_("Page too large"), N_("Ask for fewer items per page.")),
        "INVALID_CURSOR": (N_("Invalid cursor"), N_("The page cursor is not valid.")),
        "INVALID_ID": (N_("Invalid id"), N_("The id is malformed.")),
        "UNAUTHENTICATED": (N_("Not signed in"), N_("Sign in first.")),
        "FORBIDDEN": (N_("Forbidden"), N_("You may not do this.")),
        "INVALID_CREDENTIALS": (N_("Wrong credentials"), N_("The email or password is wrong.")),
        "RATE_LIMITED": (N_("Too many attempts"), N_("Wait before trying again.")),
        "WEAK_PASSWORD": (N_("Weak password"), N_("Choose a stronger password.")),
        "IDEMPOTENCY_KEY_REUSED": (
            N_("Request key reused"),
            N_("The key was used for a different request."),
        ),
        "NOT_EDITABLE": (N_("Not editable"), N_("The record can no longer be changed.")),
        "MISSING_ATTACHMENT": (N_("Attachment missing"), N_("A required file is not attached.")),
        "PARTNER_NOT_VERIFIED": (
            N_("Partner not verified"),
            N_("The partner's registration is not verified yet."),
        ),
        "FILE_CORRUPT": (
            N_("File damaged"),
            N_("The stored file no longer matches its recorded checksum."),
        ),
        "FIXITY_RUN_IN_PROGRESS": (
            N_("Check in progress"),
            N_("A file check is already running; wait for it to finish."),
        ),
        "OUT_OF_RANGE": (N_("Out of range"), N_("The value is outside the accepted range.")),
        "TOO_LONG": (N_("Too long"), N_("The value is longer than accepted.")),
        "TOO_MANY_ITEMS": (N_("Too many items"), N_("The list is longer than accepted.")),
        "INVALID_CHARACTERS": (
            N_("Invalid characters"),
            N_("The text holds control or direction-override characters."),
        ),
        "QUOTA_EXCEEDED": (
            N_("Upload quota reached"),
            N_("Your uploads of the last 24 hours reached the daily limit."),
        ),
    },
    "TextStatus": {
        "PENDING": (N_("Waiting to be read"), N_("Queued, or being read now.")),
        "DONE": (N_("Searchable"), N_("Read; its pages are searchable.")),
        "FAILED": (N_("Could not be read"), N_("The file could not be read; see the reason.")),
        "UNAVAILABLE": (
            N_("OCR not installed"),
            N_("Not read yet, and OCR is not installed on this server."),
        ),
    },
    "TextSource": {
        "OCR": (N_("Text recognition"), N_("Read from the page images by OCR.")),
        "EMBEDDED": (N_("Text in the PDF"), N_("The PDF already carried its text.")),
    },
    "FileIntegrity": {
        "UNCHECKED": (N_("Not checked yet"), N_("Stored before checks were recorded.")),
        "OK": (N_("Intact"), N_("The file matched its checksum at the last check.")),
        "CORRUPT": (
            N_("Damaged"),
            N_("The file no longer matches its checksum; it is kept and not served."),
        ),
    },
    "FixityTrigger": {
        "SCHEDULE": (N_("Scheduled"), N_("Started by the server's schedule.")),
        "ADMIN": (N_("By an administrator"), N_("Started from the application.")),
        "COMMAND_LINE": (N_("Command line"), N_("Started with cli.py verify-files.")),
    },
    "FixityRunStatus": {
        "RUNNING": (N_("Running"), N_("The check is in progress.")),
        "FINISHED": (N_("Finished"), N_("Every file was checked.")),
        "FAILED": (N_("Failed"), N_("Stopped by an error; what was checked is kept.")),
    },
    "FileProblem": {
        "CHANGED": (N_("Changed"), N_("The bytes no longer match the checksum from upload.")),
        "MISSING": (N_("Missing"), N_("A record names a file the store no longer has.")),
    },
    "ChainProblem": {
        "BROKEN": (N_("Broken"), N_("The chronology's hash chain does not recompute.")),
        "REWRITTEN": (
            N_("Rewritten"),
            N_("An event anchored by an earlier check has another hash now."),
        ),
        "TRUNCATED": (N_("Truncated"), N_("The chronology lost events since it was anchored.")),
    },
}


def _entry(type_name: str, value_name: str) -> tuple[str, str]:
    try:
        return LABELS[type_name][value_name]
    except KeyError:
        raise KeyError(f"no label for {type_name}.{value_name} in models/labels.py") from None


def label(member: Enum) -> str:
    """What people call `member`, in the current language."""
    return _(_entry(type(member).__name__, member.name)[0])


def description(member: Enum) -> str:
    return _(_entry(type(member).__name__, member.name)[1])


def label_of(type_name: str, value_name: str) -> tuple[str, str]:
    """The (label, description) of a value named by its GraphQL names, in the current language."""
    text, about = _entry(type_name, value_name)
    return _(text), _(about)


def english_description(type_name: str, value_name: str) -> str:
    return _entry(type_name, value_name)[1]
