"""Personal data tasks: carry out an erasure (from the outbox), retry those that wait (beat)."""

from celery import shared_task

from shop.privacy import services


@shared_task(name="privacy.erasure_carry_out", ignore_result=True)
def erasure_carry_out(*, request_id: int, operator_id: int | None = None) -> str:
    return services.erasure_carry_out(request_id=request_id, operator_id=operator_id).state


@shared_task(name="privacy.erasures_retry", ignore_result=True)
def erasures_retry() -> int:
    return services.erasures_retry()


@shared_task(name="privacy.retention_apply", ignore_result=True)
def retention_apply() -> dict:
    from shop.privacy.retention import retention_apply as apply

    return apply()
