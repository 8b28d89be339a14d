"""Per-request DataLoaders: one database command per kind of relation, whatever the page size."""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from beanie import PydanticObjectId
from strawberry.dataloader import DataLoader

from models import Agreement, Evaluation, OrgUnit, Partner
from models.base import Record
from models.document_text import DocumentText
from models.fixity import FileState


async def _by_id[R: Record](model: type[R], ids: Sequence[PydanticObjectId]) -> list[R | None]:
    found = {doc.id: doc for doc in await model.find({"_id": {"$in": list(ids)}}).to_list()}
    return [found.get(i) for i in ids]


async def _agreements(ids: Sequence[PydanticObjectId]) -> list[Agreement | None]:
    return await _by_id(Agreement, ids)


async def _partners(ids: Sequence[PydanticObjectId]) -> list[Partner | None]:
    return await _by_id(Partner, ids)


async def _org_units(ids: Sequence[PydanticObjectId]) -> list[OrgUnit | None]:
    return await _by_id(OrgUnit, ids)


async def _children(parent_ids: Sequence[PydanticObjectId]) -> list[list[Agreement]]:
    grouped: dict[PydanticObjectId, list[Agreement]] = defaultdict(list)
    query = Agreement.find({"parent_id": {"$in": list(parent_ids)}}).sort("number")
    for child in await query.to_list():
        if child.parent_id is not None:
            grouped[child.parent_id].append(child)
    return [grouped[i] for i in parent_ids]


async def _evaluations_by_id(ids: Sequence[PydanticObjectId]) -> list[Evaluation | None]:
    return await _by_id(Evaluation, ids)


async def _evaluations(agreement_ids: Sequence[PydanticObjectId]) -> list[list[Evaluation]]:
    grouped: dict[PydanticObjectId, list[Evaluation]] = defaultdict(list)
    query = Evaluation.find({"agreement_id": {"$in": list(agreement_ids)}}).sort("-period")
    for evaluation in await query.to_list():
        grouped[evaluation.agreement_id].append(evaluation)
    return [grouped[i] for i in agreement_ids]


async def _evaluation_in_period(
    keys: Sequence[tuple[PydanticObjectId, str]],
) -> list[Evaluation | None]:
    """The evaluation of (agreement, period), if one was started."""
    query = Evaluation.find(
        {
            "agreement_id": {"$in": list({a for a, _ in keys})},
            "period": {"$in": list({p for _, p in keys})},
        }
    )
    found = {(e.agreement_id, e.period): e for e in await query.to_list()}
    return [found.get(k) for k in keys]


async def _document_texts(file_ids: Sequence[PydanticObjectId]) -> list[DocumentText | None]:
    found = {
        t.file_id: t
        for t in await DocumentText.find({"file_id": {"$in": list(file_ids)}}).to_list()
    }
    return [found.get(i) for i in file_ids]


@dataclass
class Loaders:
    agreement: DataLoader[PydanticObjectId, Agreement | None] = field(
        default_factory=lambda: DataLoader(load_fn=_agreements)
    )
    partner: DataLoader[PydanticObjectId, Partner | None] = field(
        default_factory=lambda: DataLoader(load_fn=_partners)
    )
    org_unit: DataLoader[PydanticObjectId, OrgUnit | None] = field(
        default_factory=lambda: DataLoader(load_fn=_org_units)
    )
    children: DataLoader[PydanticObjectId, list[Agreement]] = field(
        default_factory=lambda: DataLoader(load_fn=_children)
    )
    evaluation: DataLoader[PydanticObjectId, Evaluation | None] = field(
        default_factory=lambda: DataLoader(load_fn=_evaluations_by_id)
    )
    evaluations: DataLoader[PydanticObjectId, list[Evaluation]] = field(
        default_factory=lambda: DataLoader(load_fn=_evaluations)
    )
    evaluation_in_period: DataLoader[tuple[PydanticObjectId, str], Evaluation | None] = field(
        default_factory=lambda: DataLoader(load_fn=_evaluation_in_period)
    )
    # Made on first use: it reads the file store of the request's database.
    file_state: DataLoader[PydanticObjectId, FileState] | None = None
    document_text: DataLoader[PydanticObjectId, DocumentText | None] = field(
        default_factory=lambda: DataLoader(load_fn=_document_texts)
    )

    def prime(self, agreements: Sequence[Agreement]) -> None:
        """Agreements already loaded (a page) need no second trip when named as parents."""
        for agreement in agreements:
            if agreement.id is not None:
                self.agreement.prime(agreement.id, agreement)
