"""Per-request DataLoaders: one database command per kind of relation, whatever the page size.
Every loader of a scoped model reads through resolvers/scoped.py as the request's viewer."""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial

from beanie import PydanticObjectId
from strawberry.dataloader import DataLoader

from models import Agreement, Evaluation, OrgUnit, Partner
from models.document_text import DocumentText
from models.fixity import FileState
from resolvers import scoped
from resolvers.scoped import Use
from resolvers.viewer import Viewer


async def _document_texts(file_ids: Sequence[PydanticObjectId]) -> list[DocumentText | None]:
    found = {
        t.file_id: t
        for t in await DocumentText.find({"file_id": {"$in": list(file_ids)}}).to_list()
    }
    return [found.get(i) for i in file_ids]


async def _agreements(viewer: Viewer, ids: Sequence[PydanticObjectId]) -> list[Agreement | None]:
    return await scoped.by_ids(viewer, Agreement, ids)


async def _readable_partners(
    viewer: Viewer, ids: Sequence[PydanticObjectId]
) -> list[Partner | None]:
    return await scoped.by_ids(viewer, Partner, ids)


async def _partners(viewer: Viewer, ids: Sequence[PydanticObjectId]) -> list[Partner | None]:
    return await scoped.by_ids(viewer, Partner, ids, Use.NAMED)


async def _org_units(viewer: Viewer, ids: Sequence[PydanticObjectId]) -> list[OrgUnit | None]:
    return await scoped.by_ids(viewer, OrgUnit, ids, Use.NAMED)


async def _children(
    viewer: Viewer, parent_ids: Sequence[PydanticObjectId]
) -> list[list[Agreement]]:
    grouped: dict[PydanticObjectId, list[Agreement]] = defaultdict(list)
    query = {"parent_id": {"$in": list(parent_ids)}}
    for child in await scoped.read_all(viewer, Agreement, query, [("number", 1)]):
        if child.parent_id is not None:
            grouped[child.parent_id].append(child)
    return [grouped[i] for i in parent_ids]


async def _evaluations_by_id(
    viewer: Viewer, ids: Sequence[PydanticObjectId]
) -> list[Evaluation | None]:
    return await scoped.by_ids(viewer, Evaluation, ids)


async def _evaluations(
    viewer: Viewer, agreement_ids: Sequence[PydanticObjectId]
) -> list[list[Evaluation]]:
    grouped: dict[PydanticObjectId, list[Evaluation]] = defaultdict(list)
    query = await scoped.find(viewer, Evaluation, {"agreement_id": {"$in": list(agreement_ids)}})
    for evaluation in await query.sort("-period").to_list():
        grouped[evaluation.agreement_id].append(evaluation)
    return [grouped[i] for i in agreement_ids]


async def _evaluation_in_period(
    viewer: Viewer, keys: Sequence[tuple[PydanticObjectId, str]]
) -> list[Evaluation | None]:
    """The evaluation of (agreement, period), if one was started."""
    query = await scoped.find(
        viewer,
        Evaluation,
        {
            "agreement_id": {"$in": list({a for a, _ in keys})},
            "period": {"$in": list({p for _, p in keys})},
        },
    )
    found = {(e.agreement_id, e.period): e for e in await query.to_list()}
    return [found.get(k) for k in keys]


@dataclass
class Loaders:
    viewer: Viewer
    agreement: DataLoader[PydanticObjectId, Agreement | None] = field(init=False)
    # Partners as the viewer reads them (a partner's users: their own organisation only).
    readable_partner: DataLoader[PydanticObjectId, Partner | None] = field(init=False)
    # Partners and departments as named on the records the viewer reads.
    partner: DataLoader[PydanticObjectId, Partner | None] = field(init=False)
    org_unit: DataLoader[PydanticObjectId, OrgUnit | None] = field(init=False)
    children: DataLoader[PydanticObjectId, list[Agreement]] = field(init=False)
    evaluation: DataLoader[PydanticObjectId, Evaluation | None] = field(init=False)
    evaluations: DataLoader[PydanticObjectId, list[Evaluation]] = field(init=False)
    evaluation_in_period: DataLoader[tuple[PydanticObjectId, str], Evaluation | None] = field(
        init=False
    )
    # Made on first use: it reads the file store of the request's database.
    file_state: DataLoader[PydanticObjectId, FileState] | None = None
    document_text: DataLoader[PydanticObjectId, DocumentText | None] = field(
        default_factory=lambda: DataLoader(load_fn=_document_texts)
    )

    def __post_init__(self) -> None:
        # Each load function gets the viewer, never these loaders: nothing here points back
        # to itself, so a request's records are freed as soon as the request lets go of them.
        self.agreement = DataLoader(load_fn=partial(_agreements, self.viewer))
        self.readable_partner = DataLoader(load_fn=partial(_readable_partners, self.viewer))
        self.partner = DataLoader(load_fn=partial(_partners, self.viewer))
        self.org_unit = DataLoader(load_fn=partial(_org_units, self.viewer))
        self.children = DataLoader(load_fn=partial(_children, self.viewer))
        self.evaluation = DataLoader(load_fn=partial(_evaluations_by_id, self.viewer))
        self.evaluations = DataLoader(load_fn=partial(_evaluations, self.viewer))
        self.evaluation_in_period = DataLoader(load_fn=partial(_evaluation_in_period, self.viewer))

    def prime(self, agreements: Sequence[Agreement]) -> None:
        """Agreements already loaded (a readable page) need no second trip when named."""
        for agreement in agreements:
            if agreement.id is not None:
                self.agreement.prime(agreement.id, agreement)
