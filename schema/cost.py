"""The cost of a query, computed from the document before anything runs.

Every field that returns an object costs 1; scalars cost nothing. A field paged with
`first`/`last` (or asked for `ids`) multiplies the cost of what is selected under it by that
number; a connection asked for without either counts as a full page. So
`agreements(first: 50) { nodes { partners { name } } }` costs 1 + 50 * (1 + 1) = 101. Every
response reports `extensions.cost = {requested, limit}`; a query over the limit is refused
with QUERY_TOO_COSTLY before it executes.
"""

from collections.abc import Iterator
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    ListValueNode,
    OperationDefinitionNode,
    SchemaMetaFieldDef,
    SelectionSetNode,
    TypeMetaFieldDef,
    VariableNode,
    get_named_type,
)
from strawberry.extensions import SchemaExtension

from i18n import _

PAGE_ARGUMENTS = ("first", "last")


class Costing:
    def __init__(
        self,
        schema: GraphQLSchema,
        document: DocumentNode,
        variables: dict[str, Any],
        full_page: int,
    ) -> None:
        self.schema = schema
        self.variables = variables
        self.full_page = full_page
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }

    def operation(self, operation: OperationDefinitionNode) -> int:
        root = self.schema.get_root_type(operation.operation)
        return self.selections(root, operation.selection_set, frozenset()) if root else 0

    def selections(
        self,
        parent: GraphQLNamedType | None,
        selection_set: SelectionSetNode,
        spreading: frozenset[str],
    ) -> int:
        total = 0
        for node in selection_set.selections:
            if isinstance(node, FieldNode):
                total += self.field(parent, node, spreading)
            elif isinstance(node, InlineFragmentNode):
                condition = node.type_condition
                on = self.schema.get_type(condition.name.value) if condition else parent
                total += self.selections(on, node.selection_set, spreading)
            elif isinstance(node, FragmentSpreadNode):
                name = node.name.value
                fragment = self.fragments.get(name)
                if fragment is None or name in spreading:
                    continue
                on = self.schema.get_type(fragment.type_condition.name.value)
                total += self.selections(on, fragment.selection_set, spreading | {name})
        return total

    def field(
        self, parent: GraphQLNamedType | None, node: FieldNode, spreading: frozenset[str]
    ) -> int:
        if node.selection_set is None:
            return 0
        name = node.name.value
        definition = None
        if name == "__schema":
            definition = SchemaMetaFieldDef
        elif name == "__type":
            definition = TypeMetaFieldDef
        elif isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
            definition = parent.fields.get(name)
        if definition is None:
            return 0  # an unknown field: validation reports it
        returned = get_named_type(definition.type)
        children = self.selections(returned, node.selection_set, spreading)
        return 1 + self.multiplier(node, returned) * children

    def multiplier(self, node: FieldNode, returned: GraphQLNamedType) -> int:
        for argument in node.arguments or ():
            name = argument.name.value
            value = self.value(argument.value)
            if name in PAGE_ARGUMENTS and isinstance(value, int) and value >= 0:
                return value
            if name == "ids" and isinstance(value, list):
                return len(value)
        is_connection = isinstance(returned, GraphQLObjectType) and "pageInfo" in returned.fields
        return self.full_page if is_connection else 1

    def value(self, node: Any) -> Any:
        if isinstance(node, VariableNode):
            return self.variables.get(node.name.value)
        if isinstance(node, IntValueNode):
            return int(node.value)
        if isinstance(node, ListValueNode):
            return list(node.values)
        return None


def operation_of(document: DocumentNode, name: str | None) -> OperationDefinitionNode | None:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if name is None:
        return operations[0] if len(operations) == 1 else None
    return next((o for o in operations if o.name and o.name.value == name), None)


class QueryCost(SchemaExtension):
    def __init__(self, *, limit: int, full_page: int) -> None:
        self.limit = limit
        self.full_page = full_page
        self.cost = 0

    def on_validate(self) -> Iterator[None]:
        yield
        context = self.execution_context
        document = context.graphql_document
        if document is None:
            return
        operation = operation_of(document, context.operation_name)
        if operation is not None:
            costing = Costing(
                context.schema._schema, document, context.variables or {}, self.full_page
            )
            self.cost = costing.operation(operation)

    def on_execute(self) -> Iterator[None]:
        if self.cost > self.limit:
            raise GraphQLError(
                _(
                    "this query would cost %(cost)s, more than the limit of %(limit)s; ask for "
                    "smaller pages (first/last) or fewer nested lists",
                    cost=self.cost,
                    limit=self.limit,
                ),
                extensions={"code": "QUERY_TOO_COSTLY", "cost": self.cost, "limit": self.limit},
            )
        yield

    def get_results(self) -> dict[str, Any]:
        return {"cost": {"requested": self.cost, "limit": self.limit}}
