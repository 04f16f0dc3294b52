"""Every write of list entries (``from lists import services``; ``services.entry_publish``).

``procedure``: proposing and the identification procedure; ``publication``: publishing, the joint
case a black or red entry opens, the watch list; ``dishonesty``: what a dishonesty does to the
subject's red entries and the watch rule (also for the records app); ``removal``: removal, correction, suspension and
resumption; ``periodic``: the recomputes, notices and the expiry scan.

Each entry point runs in its own durable transaction and locks the entry it moves, in the order
``lists.locks`` names: the entry, then its cases in id order, then their assignments (then the
subject, for the watch flag). ``*_in_transaction`` services and the services only other services
call (``entry_suspend``, ``entry_resume``, ``entry_correct``, ``after_publication``) run inside
their caller's transaction. Publishing a black or red entry opens its joint case from the memorandum
of its list and domain in the same transaction; removing an entry ends its cases.
"""
from lists.case_origin import CASE_KIND_FOR_LIST
from lists.services.periodic import entries_expire_due, entries_publication_overdue_notify, entries_recompute_publication_due
from lists.services.procedure import (
    BLACK_PROPOSAL_SUFFIX,
    CASE_END_FOR_REMOVAL,
    black_list_decision_refusal,
    entries_grant_manage,
    entry_notify,
    entry_propose,
    entry_propose_in_transaction,
    entry_record_statement,
    entry_url,
    entry_validate,
    entry_withdraw,
)
from lists.services.dishonesty import (
    after_dishonesty_published,
    red_entries_review_for_dishonesty,
    subjects_a_dishonesty_concerns,
    watch_rule_apply,
)
from lists.services.publication import after_publication, entry_open_case, entry_publish, subject_watch_recompute
from lists.services.received import entry_receive
from lists.services.received_bulk import entries_receive_new
from lists.services.removal import (
    CORRECTABLE_FIELDS,
    entry_correct,
    entry_remove,
    entry_remove_in_transaction,
    entry_resume,
    entry_suspend,
)

__all__ = [
    "BLACK_PROPOSAL_SUFFIX",
    "CASE_END_FOR_REMOVAL",
    "CASE_KIND_FOR_LIST",
    "CORRECTABLE_FIELDS",
    "after_dishonesty_published",
    "after_publication",
    "black_list_decision_refusal",
    "entries_expire_due",
    "entries_grant_manage",
    "entries_publication_overdue_notify",
    "entries_receive_new",
    "entries_recompute_publication_due",
    "entry_correct",
    "entry_notify",
    "entry_open_case",
    "entry_propose",
    "entry_propose_in_transaction",
    "entry_publish",
    "entry_receive",
    "entry_record_statement",
    "entry_remove",
    "entry_remove_in_transaction",
    "entry_resume",
    "entry_suspend",
    "entry_url",
    "entry_validate",
    "entry_withdraw",
    "red_entries_review_for_dishonesty",
    "subject_watch_recompute",
    "subjects_a_dishonesty_concerns",
    "watch_rule_apply",
]
