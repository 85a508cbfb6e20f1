"""Notification texts, Block Kit payloads and channels (SlackNotifier against loopback Slack)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from workflows.core.types import OrderIntent, OrderType, Side
from workflows.engine.brokers import guess_asset_type
from workflows.engine.notifiers import (
    LogNotifier,
    SlackChannels,
    SlackNotifier,
    order_text,
    slack_client,
)

CHANNELS = SlackChannels(workflows="#wf", stocks="#wf-stock", errors="#err")


def intent(**overrides) -> OrderIntent:
    values = dict(workflow_id="w1", workflow_name="dax ma50 h4", code="GER40.I",
                  price=Decimal("22149.50000000"), quantity=Decimal("0.10"), side=Side.SELL,
                  order_type=OrderType.OPEN_STOP,
                  trigger_candle_time=datetime(2026, 2, 20, 13, tzinfo=UTC),
                  close_price=Decimal("22160.25"), dry_run=False)
    values.update(overrides)
    return OrderIntent(**values)


def test_plain_text_is_the_original_sentence_with_plain_numbers():
    assert order_text(intent()) == (
        "Workflow `dax ma50 h4` will trigger an order Sell for 0.1 GER40.I at 22149.5: "
        "last price 22160.25"
    )
    assert order_text(intent(side=Side.BUY, price=Decimal("18123"), dry_run=True)) == (
        "[DRY RUN] Workflow `dax ma50 h4` will trigger an order Buy for 0.1 GER40.I at 18123: "
        "last price 22160.25"
    )


@pytest.mark.parametrize(("symbol", "asset_type"), [
    ("ITP:xpar", "Stock"), ("AAPL:xnas", "Stock"), ("GER40.I", "CfdOnIndex"),
    ("us500.i", "CfdOnIndex"), ("EURUSD", None),
])
def test_notify_only_broker_guesses_the_asset_type_from_the_symbol(symbol, asset_type):
    assert guess_asset_type(symbol) == asset_type


def test_slack_notifier_posts_block_kit_to_the_channel_of_the_asset_type(slack_server):
    notifier = SlackNotifier(slack_client("xoxb-test-token", base_url=slack_server.base_url),
                             CHANNELS)

    notifier.order(intent(), asset_type="CfdOnIndex", order_id="o-1", broker_result="notify")
    notifier.order(intent(code="ITP:xpar"), asset_type="Stock", order_id="o-2",
                   broker_result="saxo order 42")
    notifier.error(workflow_name="dax ma50 h4", message="MarketDataError: no data")

    [index] = slack_server.messages("#wf")
    [stock] = slack_server.messages("#wf-stock")
    [error] = slack_server.messages("#err")
    header, section, context = index["blocks"]
    assert header == {"type": "header",
                      "text": {"type": "plain_text", "text": "Sell GER40.I", "emoji": True}}
    assert section["text"] == {"type": "mrkdwn", "text": index["text"]}
    assert {"type": "mrkdwn", "text": "*Price*\n22149.5"} in section["fields"]
    assert "o-1" in context["elements"][0]["text"]
    assert "saxo order 42" in stock["blocks"][2]["elements"][0]["text"]
    assert error["text"] == "Workflow `dax ma50 h4` failed:\n```MarketDataError: no data```"
    assert slack_server.calls[0]["headers"]["Authorization"] == "Bearer xoxb-test-token"


def test_log_notifier_writes_the_same_text(caplog):
    with caplog.at_level(logging.INFO, logger="workflows.engine.notifiers"):
        LogNotifier().order(intent(), asset_type=None, order_id="o-1", broker_result="notify")
    assert order_text(intent()) in caplog.text


# --- escaping (SPEC §13) -------------------------------------------------------------------------


def test_a_workflow_named_channel_cannot_ping_or_link(slack_server):
    notifier = SlackNotifier(slack_client("xoxb-test-token", base_url=slack_server.base_url),
                             CHANNELS)
    evil = intent(workflow_name="<!channel> & <https://evil.example|click>", code="<!here>")
    notifier.order(evil, asset_type="CfdOnIndex", order_id="o-1", broker_result="<@U123>")
    notifier.error(workflow_name="<!everyone>", message="boom <!channel> ``` `x`")

    [order] = slack_server.messages("#wf")
    [error] = slack_server.messages("#err")
    _, section, context = order["blocks"]
    texts = [order["text"], section["text"]["text"], context["elements"][0]["text"],
             error["text"], *(field["text"] for field in section["fields"])]
    for text in texts:
        assert "<" not in text and ">" not in text, text
    assert "`&lt;!channel&gt; &amp; &lt;https://evil.example|click&gt;`" in order["text"]
    assert {"type": "mrkdwn", "text": "*Workflow*\n&lt;!channel&gt; &amp; "
            "&lt;https://evil.example|click&gt;"} in section["fields"]
    assert error["text"].count("```") == 2


def test_a_backtick_in_the_name_cannot_break_the_code_span():
    text = order_text(intent(workflow_name="a` *bold* `b"))
    assert text.startswith("Workflow `a' *bold* 'b` will trigger")
    assert text.count("`") == 2
