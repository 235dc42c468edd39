"""Education: educators, courses, enrolment, attested scores, credentials (hash, revocation), feedback."""
from __future__ import annotations

from typing import Any

import pytest

from chain.pallets.education import credential_hash
from chain.testing import TestChain, account

CONTENT = b"\x33" * 32


@pytest.fixture
def t() -> TestChain:
    t = TestChain()
    t.dispatch("root", "Education", "force_register_educator", educator=("Id", account("Dave")))
    t.dispatch("Dave", "Education", "create_course", title="Budgeting basics", content_hash=CONTENT, modules=3, pass_score=60)
    t.dispatch("Bob", "Education", "enrol", course=0)
    t.drain_events()
    return t


def edu(t: TestChain) -> Any:
    return t.rt.pallet("Education")


def test_course_creation_and_enrolment(t: TestChain) -> None:
    c = edu(t).Courses.get(0)
    assert (c["educator"], c["title"], c["modules"], c["pass_score"], c["active"], c["enrolled"]) == (
        account("Dave"), "Budgeting basics", 3, 60, True, 1)
    e = edu(t).Enrolments.get(0, account("Bob"))
    assert e == {"enrolled_at": 1, "scores": [None, None, None], "credential": None}


def test_passing_every_module_issues_a_credential(t: TestChain) -> None:
    bob = account("Bob")
    t.dispatch("Dave", "Education", "complete_module", course=0, learner=bob, module=0, score=90)
    t.dispatch("Dave", "Education", "complete_module", course=0, learner=bob, module=1, score=50)  # failed
    t.dispatch("Dave", "Education", "complete_module", course=0, learner=bob, module=2, score=70)
    assert edu(t).CredentialsOf.get(bob, 0) is None
    t.dispatch("Dave", "Education", "complete_module", course=0, learner=bob, module=1, score=65)  # retake passes
    evs = t.drain_events()
    assert [e[2]["passed"] for e in evs if e[1] == "ModuleCompleted"] == [True, False, True, True]
    cred = edu(t).Credentials.get(0)
    fields = {"id": 0, "learner": bob, "course": 0, "educator": account("Dave"), "issued": 1, "score": 75,
              "content_hash": CONTENT}
    assert cred == {**fields, "hash": credential_hash(fields), "revoked": None}
    assert ("Education", "CredentialIssued", {"credential": 0, "learner": bob, "course": 0, "score": 75,
                                              "hash": cred["hash"]}) in evs
    assert edu(t).Courses.get(0)["completed"] == 1 and edu(t).credentials_of(bob) == [cred]
    if t.rt.has_pallet("Credit"):  # a credential is a credit-score feature
        assert t.rt.pallet("Credit").Behaviour.get(bob)["credentials"] == 1
    t.assert_noop("AlreadyCompleted", "Dave", "Education", "complete_module", course=0, learner=bob, module=0, score=10)


def test_revocation_by_educator_or_root(t: TestChain) -> None:
    bob = account("Bob")
    for m in range(3):
        t.dispatch("Dave", "Education", "complete_module", course=0, learner=bob, module=m, score=100)
    t.assert_noop("NotCourseEducator", "Bob", "Education", "revoke_credential", credential=0)
    t.assert_noop("UnknownCredential", "Dave", "Education", "revoke_credential", credential=5)
    t.next_block()
    t.dispatch("Dave", "Education", "revoke_credential", credential=0)
    assert edu(t).Credentials.get(0)["revoked"] == 2 and edu(t).credentials_of(bob) == []
    assert t.last_event("Education") == ("Education", "CredentialRevoked", {"credential": 0, "learner": bob, "course": 0})
    t.assert_noop("AlreadyRevoked", "root", "Education", "revoke_credential", credential=0)


def test_root_may_revoke(t: TestChain) -> None:
    for m in range(3):
        t.dispatch("Dave", "Education", "complete_module", course=0, learner=account("Bob"), module=m, score=100)
    t.dispatch("root", "Education", "revoke_credential", credential=0)
    assert edu(t).Credentials.get(0)["revoked"] == 1


def test_feedback_is_aggregated_per_course(t: TestChain) -> None:
    for who in ("Charlie", "Eve", "Ferdie"):
        t.dispatch(who, "Education", "enrol", course=0)
    t.dispatch("Bob", "Education", "give_feedback", course=0, rating=5, comment_hash=b"\x01" * 32)
    t.dispatch("Charlie", "Education", "give_feedback", course=0, rating=4, comment_hash=None)
    t.dispatch("Eve", "Education", "give_feedback", course=0, rating=4, comment_hash=None)
    assert edu(t).FeedbackStats.get(0) == {"count": 3, "sum": 13, "histogram": [0, 0, 0, 2, 1]}
    assert edu(t).course_rating(0) == (3, 13 / 3)
    assert edu(t).Feedback.get(0, account("Bob")) == {"rating": 5, "comment_hash": b"\x01" * 32, "block": 1}
    t.assert_noop("FeedbackAlreadyGiven", "Bob", "Education", "give_feedback", course=0, rating=1, comment_hash=None)
    t.assert_noop("BadRating", "Ferdie", "Education", "give_feedback", course=0, rating=0, comment_hash=None)
    t.assert_noop("BadRating", "Ferdie", "Education", "give_feedback", course=0, rating=6, comment_hash=None)
    t.assert_noop("NotEnrolled", "Alice", "Education", "give_feedback", course=0, rating=3, comment_hash=None)
    t.assert_noop("UnknownCourse", "Bob", "Education", "give_feedback", course=4, rating=3, comment_hash=None)


def test_course_errors_leave_storage_unchanged(t: TestChain) -> None:
    t.assert_noop("NotEducator", "Bob", "Education", "create_course", title="x", content_hash=CONTENT, modules=1, pass_score=1)
    t.assert_noop("EmptyTitle", "Dave", "Education", "create_course", title="  ", content_hash=CONTENT, modules=1, pass_score=1)
    t.assert_noop("BadModules", "Dave", "Education", "create_course", title="x", content_hash=CONTENT, modules=0, pass_score=1)
    t.assert_noop("BadModules", "Dave", "Education", "create_course", title="x", content_hash=CONTENT, modules=65, pass_score=1)
    t.assert_noop("BadModules", "Dave", "Education", "create_course", title="x", content_hash=CONTENT, modules=2, pass_score=101)
    t.assert_noop("AlreadyEducator", "root", "Education", "force_register_educator", educator=("Id", account("Dave")))
    t.assert_noop("NotEducator", "root", "Education", "force_remove_educator", educator=("Id", account("Bob")))
    t.assert_noop("BadOrigin", "Dave", "Education", "force_register_educator", educator=("Id", account("Bob")))
    t.assert_noop("NotCourseEducator", "Bob", "Education", "set_course_active", course=0, active=False)
    t.assert_noop("UnknownCourse", "Dave", "Education", "set_course_active", course=9, active=False)


def test_enrolment_and_completion_errors_leave_storage_unchanged(t: TestChain) -> None:
    bob = account("Bob")
    t.assert_noop("AlreadyEnrolled", "Bob", "Education", "enrol", course=0)
    t.assert_noop("UnknownCourse", "Bob", "Education", "enrol", course=9)
    t.assert_noop("SelfEnrolment", "Dave", "Education", "enrol", course=0)
    t.dispatch("Dave", "Education", "set_course_active", course=0, active=False)
    t.assert_noop("CourseInactive", "Charlie", "Education", "enrol", course=0)
    t.assert_noop("NotEnrolled", "Dave", "Education", "complete_module", course=0, learner=account("Charlie"), module=0, score=1)
    t.assert_noop("NoSuchModule", "Dave", "Education", "complete_module", course=0, learner=bob, module=3, score=1)
    t.assert_noop("BadScore", "Dave", "Education", "complete_module", course=0, learner=bob, module=0, score=101)
    t.assert_noop("NotCourseEducator", "Bob", "Education", "complete_module", course=0, learner=bob, module=0, score=100)
    t.assert_noop("UnknownCourse", "Dave", "Education", "complete_module", course=3, learner=bob, module=0, score=100)
    t.dispatch("root", "Education", "force_remove_educator", educator=("Id", account("Dave")))
    t.assert_noop("NotEducator", "Dave", "Education", "create_course", title="x", content_hash=CONTENT, modules=1, pass_score=1)
    t.dispatch("Dave", "Education", "complete_module", course=0, learner=bob, module=0, score=100)  # existing course goes on


def test_revocation_lowers_the_learners_credential_feature(t: TestChain) -> None:
    """A credential raises the learner's credit-score credential feature; revoking it takes that back."""
    bob, credit = account("Bob"), t.rt.pallet("Credit")
    t.dispatch("Dave", "Education", "create_course", title="Savings", content_hash=CONTENT, modules=1, pass_score=50)
    t.dispatch("Bob", "Education", "enrol", course=1)
    for course, modules in ((0, 3), (1, 1)):
        for m in range(modules):
            t.dispatch("Dave", "Education", "complete_module", course=course, learner=bob, module=m, score=80)
    assert credit.features(bob).credentials == 2
    t.dispatch("Dave", "Education", "revoke_credential", credential=0)
    assert credit.features(bob).credentials == 1 and len(edu(t).credentials_of(bob)) == 1
    t.dispatch("root", "Education", "revoke_credential", credential=1)
    assert credit.features(bob).credentials == 0 and edu(t).credentials_of(bob) == []
    t.assert_noop("AlreadyRevoked", "Dave", "Education", "revoke_credential", credential=1)
    assert credit.features(bob).credentials == 0
