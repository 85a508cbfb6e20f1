"""Notifiers: tell the trader about each order right away, and the errors channel about failures.

`SlackNotifier` posts Block Kit messages (with the plain fallback text of SPEC §5 step 6) through
slack-sdk's WebClient; `LogNotifier` writes the same text to the log when no Slack token is set.
Callers treat a notifier failure as non-fatal (it never blocks placing or recording).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
)
from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from workflows.core.types import OrderIntent
from workflows.engine.brokers import STOCK

log = logging.getLogger(__name__)

DRY_RUN_MARK = "[DRY RUN] "
MAX_ERROR_CHARS = 2500


class Notifier(Protocol):
    def order(
        self, intent: OrderIntent, *, asset_type: str | None, order_id: str, broker_result: str
    ) -> None:
        """Announce one order (dry run or not). May raise; the engine logs and carries on."""
        ...

    def error(self, *, workflow_name: str, message: str) -> None:
        """Report one failed workflow to the errors channel. May raise."""
        ...


def mrkdwn(text: object) -> str:
    """Text for Slack's mrkdwn with `&`, `<`, `>` escaped: a workflow named `<!channel>` must
    show as text, never ping the channel or become a link (SPEC §13)."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def code(text: object) -> str:
    """An inline code span: escaped, with backticks (which would end the span) made quotes."""
    return f"`{mrkdwn(text).replace('`', chr(39))}`"


def code_block(text: str) -> str:
    """A ``` block that a ``` inside the text can't close early."""
    return f"```{mrkdwn(text).replace('```', chr(39) * 3)}```"


def number(value: Decimal) -> str:
    """A decimal as people write it: no exponent, no trailing zeros (22150.50000 -> 22150.5)."""
    text = f"{value.normalize():f}"
    return text


def order_text(intent: OrderIntent) -> str:
    """The plain text of SPEC §5 step 6 (the Block Kit fallback), marked when a dry run."""
    text = (
        f"Workflow {code(intent.workflow_name)} will trigger an order {intent.side.label} for "
        f"{number(intent.quantity)} {mrkdwn(intent.code)} at {number(intent.price)}: "
        f"last price {number(intent.close_price)}"
    )
    return DRY_RUN_MARK + text if intent.dry_run else text


def error_text(workflow_name: str, message: str) -> str:
    return f"Workflow {code(workflow_name)} failed:\n{code_block(message[:MAX_ERROR_CHARS])}"


def order_blocks(
    intent: OrderIntent, *, asset_type: str | None, order_id: str, broker_result: str
) -> list[Block]:
    title = f"{'DRY RUN · ' if intent.dry_run else ''}{intent.side.label} {intent.code}"
    fields = [
        MarkdownTextObject(text=f"*Workflow*\n{mrkdwn(intent.workflow_name)}"),
        MarkdownTextObject(text=f"*Order*\n{intent.side.label} {intent.order_type.value}"),
        MarkdownTextObject(text=f"*Quantity*\n{number(intent.quantity)}"),
        MarkdownTextObject(text=f"*Price*\n{number(intent.price)}"),
        MarkdownTextObject(text=f"*Last price*\n{number(intent.close_price)}"),
        MarkdownTextObject(text=f"*Asset*\n{mrkdwn(asset_type or 'unknown')}"),
    ]
    candle = f"{intent.trigger_candle_time:%Y-%m-%d %H:%M} UTC"
    context = f"Trigger candle {candle} · {mrkdwn(broker_result)} · order {mrkdwn(order_id)}"
    return [
        HeaderBlock(text=title[:150]),
        SectionBlock(text=MarkdownTextObject(text=order_text(intent)), fields=fields),
        ContextBlock(elements=[MarkdownTextObject(text=context)]),
    ]


@dataclass(frozen=True)
class SlackChannels:
    workflows: str
    stocks: str
    errors: str

    def for_asset(self, asset_type: str | None) -> str:
        return self.stocks if asset_type == STOCK else self.workflows


def slack_client(token: str, *, base_url: str | None = None, timeout: int = 10) -> WebClient:
    """A WebClient that retries connection errors and rate limits (bounded, Retry-After)."""
    handlers = [ConnectionErrorRetryHandler(max_retry_count=1),
                RateLimitErrorRetryHandler(max_retry_count=2)]
    if base_url and not base_url.endswith("/"):
        base_url += "/"
    return WebClient(token=token, base_url=base_url or WebClient.BASE_URL, timeout=timeout,
                     retry_handlers=handlers)


class SlackNotifier:
    """Posts to `#workflows` / `#workflows-stock` (by asset type) and `#errors`."""

    def __init__(self, client: WebClient, channels: SlackChannels):
        self.client = client
        self.channels = channels

    def __repr__(self) -> str:
        return f"SlackNotifier(base_url={self.client.base_url!r}, channels={self.channels!r})"

    def order(
        self, intent: OrderIntent, *, asset_type: str | None, order_id: str, broker_result: str
    ) -> None:
        blocks = order_blocks(
            intent, asset_type=asset_type, order_id=order_id, broker_result=broker_result
        )
        self.client.chat_postMessage(
            channel=self.channels.for_asset(asset_type), text=order_text(intent), blocks=blocks
        )

    def error(self, *, workflow_name: str, message: str) -> None:
        self.client.chat_postMessage(
            channel=self.channels.errors, text=error_text(workflow_name, message)
        )


class LogNotifier:
    """The notifier when no SLACK_BOT_TOKEN is set: the same texts, to the log."""

    def __repr__(self) -> str:
        return "LogNotifier()"

    def order(
        self, intent: OrderIntent, *, asset_type: str | None, order_id: str, broker_result: str
    ) -> None:
        log.info("%s (%s, order %s, %s)", order_text(intent), asset_type, order_id, broker_result)

    def error(self, *, workflow_name: str, message: str) -> None:
        log.error("%s", error_text(workflow_name, message))
