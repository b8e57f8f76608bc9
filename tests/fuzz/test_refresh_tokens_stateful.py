"""The refresh-token family as a Hypothesis state machine, against the real API and rows.

Each login starts a family (an auth session). Rules rotate its live token, present an old one
again, sign out, or send two refreshes with one token at once; after every step the model's
expectations are compared with what the API answers and what ``RefreshToken`` and
``AuthSession`` hold (DESIGN §4 and §7: at most one live token per family; a reused token kills
the family, the winner's new pair of a parallel refresh included; logout ends it).

The machine runs in a worker thread and drives the app on the test's loop (``bridge.py``).
"""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from lms_rt.auth.models import AuthSession, RefreshToken
from lms_rt.auth.tokens import token_hash
from lms_rt.users.models import User
from tests.factories import DEFAULT_PASSWORD, bearer, create_user
from tests.fuzz.bridge import LoopBridge, off_loop
from tests.fuzz.figures import record, tally
from tests.fuzz.scale import DERANDOMIZE, SCALE

API = "/api/v1"
MAX_LIVE_FAMILIES = 3


@dataclass
class Family:
    session_id: str
    access: str
    live: str | None
    alive: bool = True
    rotated: list[str] = field(default_factory=list)
    # Tokens handed out by the server after the family died (the winner of a race): dead too.
    dead_pairs: list[tuple[str, str]] = field(default_factory=list)


def machine_for(client: Any, bridge: LoopBridge, user: User, steps: Counter[str]) -> type:
    async def post(path: str, **kwargs: Any) -> tuple[int, dict[str, Any]]:
        response = await client.post(f"{API}{path}", **kwargs)
        body = await response.json() if response.status != 204 else {}
        return response.status, body

    def call(path: str, **kwargs: Any) -> tuple[int, dict[str, Any]]:
        return bridge.run(post(path, **kwargs))

    class RefreshFamilies(RuleBasedStateMachine):
        families = Bundle("families")

        def __init__(self) -> None:
            super().__init__()
            self.all: list[Family] = []

        @precondition(lambda self: sum(f.alive for f in self.all) < MAX_LIVE_FAMILIES)
        @rule(target=families)
        def login(self) -> Family:
            steps["login"] += 1
            status, body = call(
                "/auth/login", json={"email": user.email, "password": DEFAULT_PASSWORD}
            )
            assert status == 200, body
            session_id = bridge.run(self._session_of(body["refresh_token"]))
            family = Family(session_id, body["access_token"], body["refresh_token"])
            self.all.append(family)
            return family

        @rule(family=families)
        def rotate(self, family: Family) -> None:
            steps["rotate"] += 1
            token = family.live or (family.rotated[-1] if family.rotated else None)
            if token is None:
                return
            status, body = call("/auth/refresh", json={"refresh_token": token})
            if family.alive:
                assert status == 200, body
                family.rotated.append(token)
                family.live, family.access = body["refresh_token"], body["access_token"]
            else:
                assert status == 401, body

        @precondition(lambda self: any(f.rotated for f in self.all))
        @rule(family=families, data=st.data())
        def reuse(self, family: Family, data: st.DataObject) -> None:
            if not family.rotated:
                return
            steps["reuse"] += 1
            old = data.draw(st.sampled_from(family.rotated), label="old token")
            status, body = call("/auth/refresh", json={"refresh_token": old})
            assert status == 401, body
            self._kill(family)

        @rule(family=consumes(families))
        def logout(self, family: Family) -> None:
            steps["logout"] += 1
            status, body = call("/auth/logout", headers=bearer(family.access))
            assert status == (204 if family.alive else 401), body
            self._kill(family)

        @rule(family=families)
        def parallel_refresh(self, family: Family) -> None:
            steps["parallel_refresh"] += 1
            token = family.live or (family.rotated[-1] if family.rotated else None)
            if token is None:
                return

            async def both() -> list[tuple[int, dict[str, Any]]]:
                body = {"refresh_token": token}
                return list(
                    await asyncio.gather(
                        post("/auth/refresh", json=body), post("/auth/refresh", json=body)
                    )
                )

            answers = bridge.run(both())
            statuses = sorted(status for status, _ in answers)
            if family.alive:
                # One wins, the other is a reuse: the family ends, the winner's pair with it.
                assert statuses == [200, 401], answers
                winner = next(body for status, body in answers if status == 200)
                family.dead_pairs.append((winner["refresh_token"], winner["access_token"]))
                steps["race_won_then_revoked"] += 1
            else:
                assert statuses == [401, 401], answers
            family.rotated.append(token)
            self._kill(family)

        @rule(family=families)
        def use_access_token(self, family: Family) -> None:
            steps["use_access_token"] += 1
            response = bridge.run(client.get(f"{API}/users/me", headers=bearer(family.access)))
            assert response.status == (200 if family.alive else 401)

        @precondition(lambda self: any(f.dead_pairs for f in self.all))
        @rule(family=families)
        def winners_pair_is_dead(self, family: Family) -> None:
            for refresh, access in family.dead_pairs:
                steps["dead_pair_tried"] += 1
                status, body = call("/auth/refresh", json={"refresh_token": refresh})
                assert status == 401, body
                response = bridge.run(client.get(f"{API}/users/me", headers=bearer(access)))
                assert response.status == 401

        def _kill(self, family: Family) -> None:
            family.alive = False
            family.live = None

        @invariant()
        def rows_match_the_model(self) -> None:
            for family in self.all:
                session, live_rows = bridge.run(self._rows(family.session_id))
                assert len(live_rows) <= 1, f"{len(live_rows)} live tokens in one family"
                if family.alive:
                    assert session.revoked_at is None
                    assert [r.token_hash for r in live_rows] == [token_hash(family.live or "")]
                else:
                    assert session.revoked_at is not None, "a dead family's session is live"

        @staticmethod
        async def _session_of(refresh: str) -> str:
            row = await RefreshToken.get(token_hash=token_hash(refresh))
            return str(row.session_id)

        @staticmethod
        async def _rows(session_id: str) -> tuple[AuthSession, list[RefreshToken]]:
            session = await AuthSession.get(id=session_id)
            live = await RefreshToken.filter(session_id=session_id, revoked_at=None)
            return session, list(live)

    return RefreshFamilies


async def test_refresh_token_families_hold_their_invariants(client):
    user = await create_user(client)
    steps: Counter[str] = Counter()
    runs = {"examples": 0}

    def explore(bridge: LoopBridge) -> None:
        machine = machine_for(client, bridge, user, steps)

        class Counted(machine):  # type: ignore[misc, valid-type]
            def __init__(self) -> None:
                super().__init__()
                runs["examples"] += 1

        run_state_machine_as_test(
            Counted,
            settings=settings(
                max_examples=15 * SCALE,
                stateful_step_count=12,
                deadline=None,
                database=None,
                derandomize=DERANDOMIZE,
                suppress_health_check=list(HealthCheck),
            ),
        )

    await off_loop(explore)
    families = await AuthSession.filter(user_id=user.id).count()
    record(
        "refresh-token state machine",
        examples=runs["examples"],
        families=families,
        steps=tally(steps),
    )
    assert steps["parallel_refresh"] and steps["reuse"] and steps["logout"]
