"""Checks on every input value of every operation, before anything else is done with it.

Variables are checked as the client sent them (before coercion, so a list of 200,000 enum
values costs one walk, not 200,000 coercions and a database query), and the values written in
the document itself are checked once it is parsed. Two rules, for every field alike:
- no list longer than MAX_INPUT_LIST_ITEMS (TOO_MANY_ITEMS);
- no NUL or other control character (tab and line breaks are text), and no bidirectional
  override or isolate, which make stored text read differently from what it is
  (INVALID_CHARACTERS).
"""

import re
from collections.abc import Iterator
from typing import Any

from graphql import GraphQLError, ListValueNode, StringValueNode, Visitor, visit
from strawberry.extensions import SchemaExtension

from models.errors import ErrorCode

FORBIDDEN_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")


def refused(code: ErrorCode, message: str, where: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": code.value, "field": where})


def check_value(value: Any, where: str, max_items: int) -> None:
    if isinstance(value, str):
        if FORBIDDEN_CHARACTERS.search(value):
            raise refused(
                ErrorCode.INVALID_CHARACTERS,
                f"{where} holds a control or bidirectional-override character",
                where,
            )
    elif isinstance(value, list):
        if len(value) > max_items:
            raise refused(
                ErrorCode.TOO_MANY_ITEMS, f"{where} has more than {max_items} items", where
            )
        for n, item in enumerate(value):
            check_value(item, f"{where}.{n}", max_items)
    elif isinstance(value, dict):
        for key, item in value.items():
            check_value(item, f"{where}.{key}", max_items)


class _Literals(Visitor):
    def __init__(self, max_items: int) -> None:
        super().__init__()
        self.max_items = max_items

    def enter_string_value(self, node: StringValueNode, *_: Any) -> None:
        check_value(node.value, "a string in the document", self.max_items)

    def enter_list_value(self, node: ListValueNode, *_: Any) -> None:
        if len(node.values) > self.max_items:
            raise refused(
                ErrorCode.TOO_MANY_ITEMS,
                f"a list in the document has more than {self.max_items} items",
                "document",
            )


class InputGuards(SchemaExtension):
    def __init__(self, *, max_list_items: int) -> None:
        self.max_list_items = max_list_items

    def on_operation(self) -> Iterator[None]:
        check_value(self.execution_context.variables or {}, "variables", self.max_list_items)
        yield

    def on_validate(self) -> Iterator[None]:
        document = self.execution_context.graphql_document
        if document is not None:
            visit(document, _Literals(self.max_list_items))
        yield
