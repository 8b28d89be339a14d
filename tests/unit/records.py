"""Records for unit tests, made in memory: no database is started and nothing is stored.

Beanie documents are made with `model_construct` (which needs no database connection), so
these tests call the rule methods only; the writes they lead to are covered end to end.
"""

from collections.abc import Callable
from datetime import date
from enum import StrEnum
from typing import Any

import pytest
from beanie import PydanticObjectId

from models.actor import ActorRef
from models.agreement import Agreement
from models.base import Record
from models.documents import DocumentRef
from models.enums import AgreementForm, CooperationType, DocumentType
from models.errors import DomainError, ErrorCode
from models.evaluation import Evaluation
from models.proposal import Proposal

ACTOR = ActorRef(id="user-1", name="Petugas Bagian Kerja Sama")


def agreement(**fields: Any) -> Agreement:
    defaults: dict[str, Any] = {
        "id": PydanticObjectId(),
        "number": "KSB/001/2026",
        "title": "Kerja sama pengelolaan sampah",
        "form": AgreementForm.KSB,
        "cooperation_type": CooperationType.KSDD,
        "partner_ids": [PydanticObjectId()],
        "lead_org_unit_ids": [PydanticObjectId()],
    }
    return Agreement.model_construct(**{**defaults, **fields})


def proposal(**fields: Any) -> Proposal:
    defaults: dict[str, Any] = {
        "id": PydanticObjectId(),
        "created_by": ACTOR,
        "title": "Pengajuan kerja sama",
        "proposer_partner_id": PydanticObjectId(),
    }
    return Proposal.model_construct(**{**defaults, **fields})


def evaluation(**fields: Any) -> Evaluation:
    defaults: dict[str, Any] = {
        "id": PydanticObjectId(),
        "agreement_id": PydanticObjectId(),
        "period": "2026-S1",
        "evaluator": ACTOR,
    }
    return Evaluation.model_construct(**{**defaults, **fields})


def document(doc_type: DocumentType, **fields: Any) -> DocumentRef:
    defaults: dict[str, Any] = {
        "file_id": PydanticObjectId(),
        "filename": "naskah.pdf",
        "content_type": "application/pdf",
        "size": 1024,
        "sha256": "0" * 64,
        "type": doc_type,
        "title": "Naskah",
        "uploaded_by": ACTOR,
    }
    return DocumentRef(**{**defaults, **fields})


def day(text: str) -> date:
    return date.fromisoformat(text)


def run_checks(record: Record) -> None:
    """Run the record's own after-validation checks (those `build` runs) on the record as it is."""
    for validator in type(record).__pydantic_decorators__.model_validators.values():
        if validator.info.mode == "after":
            validator.func(record)


def check_refused_move(check: Callable[[], object], source: StrEnum, target: StrEnum) -> None:
    """`check` refuses the move from `source` to `target` as an invalid transition."""
    with pytest.raises(DomainError) as refused:
        check()
    assert refused.value.code == ErrorCode.INVALID_TRANSITION
    assert refused.value.field == "status"
    assert refused.value.params == {"status": source, "target": target}
