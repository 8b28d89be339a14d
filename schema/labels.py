"""Labels of the vocabularies: `enumLabels` and the value descriptions in the SDL.

One convention for every enum: a field holds the stable code (`status: ACTIVE`) and a client
that shows it to a person asks `enumLabels` once for the label and description of each value,
in the request's language.
"""

import strawberry
from graphql import GraphQLEnumType, GraphQLSchema
from strawberry.types import Info

from models.errors import ErrorCode
from models.labels import english_description, label_of
from schema.errors import ApiError


@strawberry.type(description="What people call one value of an enum, in the request's language.")
class EnumLabel:
    type: str = strawberry.field(description="The enum's name, e.g. `AgreementStatus`.")
    value: str = strawberry.field(description="The value as the API sends it, e.g. `ACTIVE`.")
    label: str
    description: str


def public_enums(schema: GraphQLSchema) -> dict[str, GraphQLEnumType]:
    return {
        name: kind
        for name, kind in schema.type_map.items()
        if isinstance(kind, GraphQLEnumType) and not name.startswith("__")
    }


def describe_enum_values(schema: GraphQLSchema) -> None:
    """Give every value of every public enum its (English) description in the SDL.

    A value without a label fails here, when the schema is built: labels are not optional.
    """
    for name, kind in public_enums(schema).items():
        for value_name, value in kind.values.items():
            value.description = english_description(name, value_name)


@strawberry.type
class LabelQueries:
    @strawberry.field(
        description="Labels and descriptions of enum values in the request's language "
        "(`Accept-Language`, or the signed-in user's preferred language). `types`: the enums "
        "wanted by name; null: every enum of the API. Available without signing in."
    )
    def enum_labels(self, info: Info, types: list[str] | None = None) -> list[EnumLabel]:
        enums = public_enums(info.schema._schema)
        names = sorted(enums) if types is None else list(dict.fromkeys(types))
        unknown = [name for name in names if name not in enums]
        if unknown:
            raise ApiError(
                ErrorCode.NOT_FOUND, "no enum named %(names)s", "types", names=", ".join(unknown)
            )
        found = []
        for name in names:
            for value_name in enums[name].values:
                text, about = label_of(name, value_name)
                found.append(EnumLabel(type=name, value=value_name, label=text, description=about))
        return found
