"""Education: financial-education courses, attested module scores, revocable credentials, feedback.

Educators are registered by root (a credential feeds the credit score, so who may issue one is vetted).
An educator creates a course (a title or URI, the hash of its content, a number of modules and a pass
score); learners enrol; the educator attests each module's score; when every module has a passing
score the chain issues a credential: `{id, learner, course, educator, issued, score, content_hash}` and
its `hash = credential_hash(...)`, which anyone can recompute offline (chain/receipts.py builds a
verifiable credential file). The educator (or root) may revoke it. Learners rate a course once (1 to 5,
with the hash of an optional comment kept off chain); the counts, sum and histogram per course are in
storage so an educator sees how a course lands. No personal data is on chain: only accounts and hashes.
"""
from __future__ import annotations

from typing import Any

from chain.codec import ACCOUNT_ID, BOOL, H256, U8, U32, U64, Option, Struct, TextType, Vec
from chain.frame import ROOT, ErrorDef, EventDef, Origin, Pallet, StorageDef, call, ensure_root, ensure_signed
from chain.hashing import blake2_256
from chain.pallets.balances import lookup
from chain.pallets.common import admit, credit_note, dismiss, must_get, take_id
from chain.types import MULTI_ADDRESS

TITLE = TextType(max_len=128)
MAX_MODULES = 64
NOT_DONE = None

COURSE = Struct("pallet_puhui_education::Course", (
    ("id", U32), ("educator", ACCOUNT_ID), ("title", TITLE), ("content_hash", H256), ("modules", U8),
    ("pass_score", U8), ("active", BOOL), ("enrolled", U32), ("completed", U32),
))
ENROLMENT = Struct("pallet_puhui_education::Enrolment", (
    ("enrolled_at", U32), ("scores", Vec(Option(U8))), ("credential", Option(U64)),
))
CREDENTIAL_FIELDS = (
    ("id", U64), ("learner", ACCOUNT_ID), ("course", U32), ("educator", ACCOUNT_ID), ("issued", U32),
    ("score", U8), ("content_hash", H256),
)
CREDENTIAL_PREIMAGE = Struct("pallet_puhui_education::CredentialPreimage", CREDENTIAL_FIELDS)
CREDENTIAL = Struct("pallet_puhui_education::Credential", CREDENTIAL_FIELDS + (
    ("hash", H256), ("revoked", Option(U32)),
))
FEEDBACK = Struct("pallet_puhui_education::Feedback", (("rating", U8), ("comment_hash", Option(H256)), ("block", U32)))
FEEDBACK_STATS = Struct("pallet_puhui_education::FeedbackStats", (("count", U32), ("sum", U32), ("histogram", Vec(U32))))
EMPTY_STATS = {"count": 0, "sum": 0, "histogram": [0, 0, 0, 0, 0]}
CREDENTIAL_DOMAIN = b"puhui/credential/v1"


def credential_hash(fields: dict[str, Any]) -> bytes:
    """blake2_256 of a domain tag and the SCALE encoding of the credential's fields (not hash/revoked)."""
    return blake2_256(CREDENTIAL_DOMAIN + CREDENTIAL_PREIMAGE.encode(fields))


class Education(Pallet):
    INDEX = 14
    NAME = "Education"
    DOC = "Financial-education courses, attested module scores, revocable credentials and learner feedback."

    EVENTS = (
        EventDef(0, "EducatorRegistered", (("educator", ACCOUNT_ID),), "An account may now create courses."),
        EventDef(1, "EducatorRemoved", (("educator", ACCOUNT_ID),), "An account may no longer create courses."),
        EventDef(2, "CourseCreated", (("course", U32), ("educator", ACCOUNT_ID), ("modules", U8), ("pass_score", U8),
                                      ("content_hash", H256)), "An educator created a course."),
        EventDef(3, "CourseStatusChanged", (("course", U32), ("active", BOOL)), "A course was opened or closed to enrolment."),
        EventDef(4, "Enrolled", (("course", U32), ("learner", ACCOUNT_ID)), "A learner enrolled in a course."),
        EventDef(5, "ModuleCompleted", (("course", U32), ("learner", ACCOUNT_ID), ("module", U8), ("score", U8), ("passed", BOOL)),
                 "The educator attested a learner's score in a module."),
        EventDef(6, "CredentialIssued", (("credential", U64), ("learner", ACCOUNT_ID), ("course", U32), ("score", U8), ("hash", H256)),
                 "A learner passed every module and received a credential."),
        EventDef(7, "CredentialRevoked", (("credential", U64), ("learner", ACCOUNT_ID), ("course", U32)),
                 "A credential was revoked by its course's educator or root."),
        EventDef(8, "FeedbackGiven", (("course", U32), ("learner", ACCOUNT_ID), ("rating", U8), ("comment_hash", Option(H256))),
                 "A learner rated a course."),
    )
    ERRORS = (
        ErrorDef(0, "NotEducator", "Only a registered educator may create courses; ask the operator (root) to register the account."),
        ErrorDef(1, "AlreadyEducator", "The account is a registered educator already; nothing to do."),
        ErrorDef(2, "UnknownCourse", "No course with that id; check the id in the CourseCreated event."),
        ErrorDef(3, "NotCourseEducator", "Only the course's educator may do this; sign with the educator's account (root may also revoke)."),
        ErrorDef(4, "CourseInactive", "The course is closed to enrolment; ask its educator to reopen it."),
        ErrorDef(5, "AlreadyEnrolled", "The learner is enrolled in this course already; carry on with its modules."),
        ErrorDef(6, "NotEnrolled", "The learner is not enrolled in this course; enrol first."),
        ErrorDef(7, "NoSuchModule", "There is no module with that number; modules run from 0 to the course's module count minus one."),
        ErrorDef(8, "BadScore", "A score is a percentage and this one is above 100; attest 0 to 100."),
        ErrorDef(9, "AlreadyCompleted", "The learner holds this course's credential already; scores can no longer change."),
        ErrorDef(10, "UnknownCredential", "No credential with that id; check the id in the CredentialIssued event."),
        ErrorDef(11, "AlreadyRevoked", "The credential was revoked already; nothing to do."),
        ErrorDef(12, "BadRating", "The rating is outside 1 to 5; rate from 1 to 5."),
        ErrorDef(13, "FeedbackAlreadyGiven", "A learner rates a course once and this learner has; the first rating stands."),
        ErrorDef(14, "BadModules", "A course has 1 to 64 modules and a pass score of at most 100; choose values in range."),
        ErrorDef(15, "EmptyTitle", "The title is empty; give the course a title or URI (at most 128 bytes)."),
        ErrorDef(16, "SelfEnrolment", "An educator cannot enrol in (and so certify) their own course; learn from another educator's course."),
    )
    STORAGE = (
        StorageDef("Educators", U32, "Registered educators and the block they were registered in.",
                   keys=(("Blake2_128Concat", ACCOUNT_ID),)),
        StorageDef("NextCourseId", U32, "The id of the next course.", default=0),
        StorageDef("Courses", COURSE, "Every course.", keys=(("Blake2_128Concat", U32),)),
        StorageDef("Enrolments", ENROLMENT, "A learner's progress in a course.",
                   keys=(("Blake2_128Concat", U32), ("Blake2_128Concat", ACCOUNT_ID))),
        StorageDef("NextCredentialId", U64, "The id of the next credential.", default=0),
        StorageDef("Credentials", CREDENTIAL, "Every credential issued, with its hash and revocation.",
                   keys=(("Blake2_128Concat", U64),)),
        StorageDef("CredentialsOf", U64, "A learner's credentials by course.",
                   keys=(("Blake2_128Concat", ACCOUNT_ID), ("Blake2_128Concat", U32))),
        StorageDef("Feedback", FEEDBACK, "A learner's rating of a course.",
                   keys=(("Blake2_128Concat", U32), ("Blake2_128Concat", ACCOUNT_ID))),
        StorageDef("FeedbackStats", FEEDBACK_STATS, "Ratings of a course: count, sum and histogram (ratings 1..5).",
                   keys=(("Blake2_128Concat", U32),), default=EMPTY_STATS),
    )

    # -- calls ----------------------------------------------------------------------------------------
    @call(0, ("title", TITLE), ("content_hash", H256), ("modules", U8), ("pass_score", U8), weight=20_000_000)
    def create_course(self, origin: Origin, title: str, content_hash: bytes, modules: int, pass_score: int) -> None:
        """A registered educator creates a course: title or URI, hash of its content, modules, pass score (%)."""
        who = ensure_signed(origin)
        if not self.Educators.contains(who):
            raise self.fail("NotEducator")
        if not title.strip():
            raise self.fail("EmptyTitle")
        if not 1 <= modules <= MAX_MODULES or pass_score > 100:
            raise self.fail("BadModules")
        cid = take_id(self.NextCourseId)
        self.Courses.put(cid, {"id": cid, "educator": who, "title": title, "content_hash": content_hash,
                               "modules": modules, "pass_score": pass_score, "active": True, "enrolled": 0, "completed": 0})
        self.emit("CourseCreated", {"course": cid, "educator": who, "modules": modules, "pass_score": pass_score,
                                    "content_hash": content_hash})

    @call(1, ("course", U32), ("active", BOOL), weight=10_000_000)
    def set_course_active(self, origin: Origin, course: int, active: bool) -> None:
        """The educator opens or closes a course to new enrolments."""
        c = self._own_course(origin, course)
        c["active"] = active
        self.Courses.put(course, c)
        self.emit("CourseStatusChanged", {"course": course, "active": active})

    @call(2, ("course", U32), weight=15_000_000)
    def enrol(self, origin: Origin, course: int) -> None:
        """A learner enrols in an open course."""
        who = ensure_signed(origin)
        c = self._course(course)
        if not c["active"]:
            raise self.fail("CourseInactive")
        if c["educator"] == who:
            raise self.fail("SelfEnrolment")
        if self.Enrolments.contains(course, who):
            raise self.fail("AlreadyEnrolled")
        self.Enrolments.put(course, who, {"enrolled_at": self.block_number, "scores": [NOT_DONE] * c["modules"],
                                          "credential": None})
        c["enrolled"] += 1
        self.Courses.put(course, c)
        self.emit("Enrolled", {"course": course, "learner": who})

    @call(3, ("course", U32), ("learner", ACCOUNT_ID), ("module", U8), ("score", U8), weight=30_000_000)
    def complete_module(self, origin: Origin, course: int, learner: bytes, module: int, score: int) -> None:
        """The educator attests a learner's score (0-100) in a module; a retake replaces the score. With every
        module passed, a credential is issued."""
        c = self._own_course(origin, course)
        e = self.Enrolments.get(course, learner)
        if e is None:
            raise self.fail("NotEnrolled")
        if module >= c["modules"]:
            raise self.fail("NoSuchModule")
        if score > 100:
            raise self.fail("BadScore")
        if e["credential"] is not None:
            raise self.fail("AlreadyCompleted")
        e["scores"][module] = score
        self.Enrolments.put(course, learner, e)
        self.emit("ModuleCompleted", {"course": course, "learner": learner, "module": module, "score": score,
                                      "passed": score >= c["pass_score"]})
        if all(s is not None and s >= c["pass_score"] for s in e["scores"]):
            self._issue(c, learner, e)

    @call(4, ("credential", U64), weight=15_000_000)
    def revoke_credential(self, origin: Origin, credential: int) -> None:
        """The course's educator (or root) revokes a credential, e.g. one issued in error; the learner's
        credit-score credential feature goes down by one."""
        cred = must_get(self, self.Credentials, "UnknownCredential", credential)
        if origin != ROOT:
            self._own_course(origin, cred["course"])
        if cred["revoked"] is not None:
            raise self.fail("AlreadyRevoked")
        cred["revoked"] = self.block_number
        self.Credentials.put(credential, cred)
        self.emit("CredentialRevoked", {"credential": credential, "learner": cred["learner"], "course": cred["course"]})
        credit_note(self.rt, "note_credential_revoked", cred["learner"])

    @call(5, ("course", U32), ("rating", U8), ("comment_hash", Option(H256)), weight=15_000_000)
    def give_feedback(self, origin: Origin, course: int, rating: int, comment_hash: bytes | None) -> None:
        """An enrolled learner rates a course once, 1 to 5, with the hash of an optional off-chain comment."""
        who = ensure_signed(origin)
        self._course(course)
        if not self.Enrolments.contains(course, who):
            raise self.fail("NotEnrolled")
        if not 1 <= rating <= 5:
            raise self.fail("BadRating")
        if self.Feedback.contains(course, who):
            raise self.fail("FeedbackAlreadyGiven")
        self.Feedback.put(course, who, {"rating": rating, "comment_hash": comment_hash, "block": self.block_number})
        stats = self.FeedbackStats.get(course)
        stats["count"] += 1
        stats["sum"] += rating
        stats["histogram"][rating - 1] += 1
        self.FeedbackStats.put(course, stats)
        self.emit("FeedbackGiven", {"course": course, "learner": who, "rating": rating, "comment_hash": comment_hash})

    @call(6, ("educator", MULTI_ADDRESS), weight=10_000_000)
    def force_register_educator(self, origin: Origin, educator: Any) -> None:
        """Register an account as an educator (root)."""
        ensure_root(origin)
        who = lookup(educator)
        admit(self, self.Educators, who, self.block_number, "AlreadyEducator")
        self.emit("EducatorRegistered", {"educator": who})

    @call(7, ("educator", MULTI_ADDRESS), weight=10_000_000)
    def force_remove_educator(self, origin: Origin, educator: Any) -> None:
        """Remove an educator (root): no new courses; existing courses and credentials stay."""
        ensure_root(origin)
        who = lookup(educator)
        dismiss(self, self.Educators, who, "NotEducator")
        self.emit("EducatorRemoved", {"educator": who})

    # -- internals --------------------------------------------------------------------------------------
    def _course(self, course: int) -> dict[str, Any]:
        return must_get(self, self.Courses, "UnknownCourse", course)

    def _own_course(self, origin: Origin, course: int) -> dict[str, Any]:
        who = ensure_signed(origin)
        c = self._course(course)
        if c["educator"] != who:
            raise self.fail("NotCourseEducator")
        return c

    def _issue(self, c: dict[str, Any], learner: bytes, e: dict[str, Any]) -> int:
        """Issue the course's credential to a learner who passed every module (score: the mean, rounded down)."""
        cid = take_id(self.NextCredentialId)
        score = sum(e["scores"]) // len(e["scores"])
        fields = {"id": cid, "learner": learner, "course": c["id"], "educator": c["educator"],
                  "issued": self.block_number, "score": score, "content_hash": c["content_hash"]}
        h = credential_hash(fields)
        self.Credentials.put(cid, {**fields, "hash": h, "revoked": None})
        self.CredentialsOf.put(learner, c["id"], cid)
        e["credential"] = cid
        self.Enrolments.put(c["id"], learner, e)
        c["completed"] += 1
        self.Courses.put(c["id"], c)
        self.emit("CredentialIssued", {"credential": cid, "learner": learner, "course": c["id"], "score": score, "hash": h})
        credit_note(self.rt, "note_credential", learner)
        return cid

    # -- public API for analytics and the credit score -------------------------------------------------------
    def credentials_of(self, learner: bytes) -> list[dict[str, Any]]:
        """The learner's credentials that are not revoked."""
        out = []
        for _, cid in self.CredentialsOf.iter(learner):
            cred = self.Credentials.get(cid)
            if cred is not None and cred["revoked"] is None:
                out.append(cred)
        return out

    def course_rating(self, course: int) -> tuple[int, float | None]:
        """(number of ratings, mean rating or None) of a course."""
        s = self.FeedbackStats.get(course)
        return s["count"], (s["sum"] / s["count"] if s["count"] else None)
