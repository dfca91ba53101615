"""Dispatch: exactly once, or visibly not.

Approving a post schedules one ``PostTarget`` per channel and queues one ``publishing.dispatch``
job for its due time (``enqueue``; posts due at the same time share the job, whatever their
channels). The job (``send.due_dispatch``) claims the earliest due targets across channels
(``claim.due_claim``: the claim and each target's ``PublishAttempt``, with its idempotency key,
commit together before any call), makes one call per target, and records each answer
(``record``), claiming again until nothing is due. A periodic ``publishing.dispatch_due`` sweep
(``recover.dispatch_sweep``) catches what a job cannot: a due target whose job was lost, and a call
whose worker died. An answer that proves nothing (a 5xx, a timeout) is sent again with the same key
only where the platform honours keys; elsewhere the target is "unconfirmed", and the periodic
``publishing.check_unconfirmed`` job (``check``) looks for the post on the account itself.

Modules: ``enqueue`` (jobs), ``claim``, ``send``, ``record``, ``recover``, ``check``. People's
actions on targets are in ``publishing.services``, reads in ``publishing.selectors``.
"""
