"""Catalog search: PostgreSQL full text on an indexed expression; substring match on SQLite.

The expression must be written exactly as the index is (``to_tsvector('simple', ...)``, the
configuration a literal) for PostgreSQL to use the GIN index; ``simple`` does no stemming,
so titles in any language (Arabic included) match word for word.
"""

from __future__ import annotations

from pypika_tortoise.terms import BasicCriterion, Function, LiteralValue, ValueWrapper
from tortoise.contrib.postgres.search import Comp
from tortoise.expressions import Expression, F, ResolveContext, ResolveResult

SEARCH_CONFIG = "'simple'"


class FullTextMatch(Expression):
    """``to_tsvector('simple', <column>) @@ plainto_tsquery('simple', <query>)``."""

    def __init__(self, column: str, query: str) -> None:
        self.column = column
        self.query = query

    def resolve(self, resolve_context: ResolveContext) -> ResolveResult:
        column = F(self.column).resolve(resolve_context)
        vector = Function("TO_TSVECTOR", LiteralValue(SEARCH_CONFIG), column.term)
        query = Function("PLAINTO_TSQUERY", LiteralValue(SEARCH_CONFIG), ValueWrapper(self.query))
        return ResolveResult(term=BasicCriterion(Comp.search, vector, query), joins=column.joins)


def search_document(title: str, description: str) -> str:
    return f"{title}\n{description}".lower()
