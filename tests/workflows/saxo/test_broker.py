from datetime import UTC, datetime
from decimal import Decimal

import pytest

from tests.fixtures.fake_saxo import ACCOUNT_KEY, Reply
from workflows.core.types import BrokerError, OrderIntent, OrderType, Placement, Side
from workflows.saxo.broker import SaxoBroker

ORDER_ID = "wf-buy-bbb-h1-dax-20240702T1431"


def intent(code="GER40.I", price="18175", quantity="1", side=Side.BUY,
           order_type=OrderType.OPEN_STOP) -> OrderIntent:
    return OrderIntent(
        workflow_id="wf-1", workflow_name="bbb h1 dax", code=code, price=Decimal(price),
        quantity=Decimal(quantity), side=side, order_type=order_type,
        trigger_candle_time=datetime(2024, 7, 2, 14, 0, tzinfo=UTC),
        close_price=Decimal("18150"))


def test_open_stop_buy_sends_exactly_the_documented_body(fake_saxo):
    placement = SaxoBroker(fake_saxo.client()).place(intent(), order_id=ORDER_ID)

    [sent] = fake_saxo.requests_to("trade/v2/orders", "POST")
    assert sent.json == {
        "AccountKey": ACCOUNT_KEY, "Uic": 4321, "AssetType": "CfdOnIndex", "BuySell": "Buy",
        "Amount": 1, "OrderType": "StopIfTraded", "OrderPrice": 18175.0,
        "OrderDuration": {"DurationType": "GoodTillCancel"}, "ManualOrder": False,
        "ExternalReference": ORDER_ID}
    assert sent.headers["x-request-id"] == ORDER_ID
    assert sent.headers["content-type"] == "application/json"
    order_id = fake_saxo.open_orders[0]["OrderId"]
    assert placement == Placement(broker="saxo", broker_order_id=order_id)


def test_limit_sell_sends_limit_with_price_on_the_tick_grid(fake_saxo):
    SaxoBroker(fake_saxo.client()).place(
        intent(code="ITP:xpar", price="37.4567", quantity="0.5", side=Side.SELL,
               order_type=OrderType.LIMIT), order_id="order-2")

    [sent] = fake_saxo.requests_to("trade/v2/orders", "POST")
    assert sent.json == {
        "AccountKey": ACCOUNT_KEY, "Uic": 1936, "AssetType": "Stock", "BuySell": "Sell",
        "Amount": 0.5, "OrderType": "Limit", "OrderPrice": 37.46,
        "OrderDuration": {"DurationType": "GoodTillCancel"}, "ManualOrder": False,
        "ExternalReference": "order-2"}


@pytest.mark.parametrize("price, expected", [
    ("18175.04", 18175.0), ("18175.05", 18175.1), ("17999.96", 18000.0)])
def test_order_price_is_rounded_to_the_tick_size(fake_saxo, price, expected):
    SaxoBroker(fake_saxo.client()).place(intent(price=price), order_id="o")

    assert fake_saxo.requests_to("trade/v2/orders")[0].json["OrderPrice"] == expected


def test_tick_size_scheme_elements_apply_by_price(fake_saxo):
    SaxoBroker(fake_saxo.client()).place(
        intent(code="ITP:xpar", price="57.26", order_type=OrderType.LIMIT), order_id="o")

    assert fake_saxo.requests_to("trade/v2/orders")[0].json["OrderPrice"] == 57.5


@pytest.mark.parametrize("reply, code, message", [
    (Reply(status=400, json={"ErrorCode": "OnWrongSideOfMarket",
                             "Message": "Price is on wrong side of market"}),
     "OnWrongSideOfMarket", "Price is on wrong side of market"),
    (Reply(status=400, json={"ErrorCode": "InvalidModelState",
                             "Message": "One or more properties of the request are invalid!",
                             "ModelState": {"OrderPrice": ["OrderPrice is required"]}}),
     "InvalidModelState", "OrderPrice: OrderPrice is required"),
    (Reply(status=200, json={"ErrorInfo": {"ErrorCode": "TooFarFromMarket",
                                           "Message": "Order price is too far from the market"}}),
     "TooFarFromMarket", "too far from the market"),
    (Reply(status=400, json={"ErrorInfo": {"ErrorCode": "WouldExceedMargin",
                                           "Message": "Would exceed margin\\r\\nlimit"}}),
     "WouldExceedMargin", "Would exceed margin limit"),
    (Reply(status=409), "Conflict", "Duplicate order"),
    (Reply(status=403, json={"ErrorCode": "Forbidden", "Message": "App not enabled for trading"}),
     "Forbidden", "App not enabled for trading"),
    (Reply(status=200, json={"Orders": [
        {"ExternalReference": "oco-1", "OrderId": "113319549"},
        {"ErrorInfo": {"ErrorCode": "OnWrongSideOfMarket", "Message": "Wrong side"},
         "ExternalReference": "oco-2"}]}), "OnWrongSideOfMarket", "Wrong side"),
    (Reply(status=200, json={}), "NoOrderId", "no OrderId"),
])
def test_every_rejection_shape_is_a_broker_error_with_saxos_code(fake_saxo, reply, code, message):
    fake_saxo.queue("POST", "trade/v2/orders", reply)

    with pytest.raises(BrokerError) as caught:
        SaxoBroker(fake_saxo.client()).place(intent(), order_id=ORDER_ID)

    assert caught.value.code == code
    assert message in caught.value.message
    assert caught.value.status == reply.status


def test_fake_server_validation_rejects_a_body_without_manual_order(fake_saxo):
    client = fake_saxo.client()

    with pytest.raises(Exception) as caught:
        client.post("trade/v2/orders", {"Uic": 4321, "AssetType": "CfdOnIndex"})

    assert caught.value.code == "InvalidModelState"
    assert "ManualOrder" in caught.value.model_state


def test_an_order_post_that_failed_after_sending_is_not_resent_and_found_by_reference(fake_saxo):
    fake_saxo.open_orders.append({"OrderId": "555", "ExternalReference": ORDER_ID,
                                  "Status": "Working"})
    fake_saxo.queue("POST", "trade/v2/orders", status=503)

    placement = SaxoBroker(fake_saxo.client()).place(intent(), order_id=ORDER_ID)

    assert placement.broker_order_id == "555"
    assert len(fake_saxo.requests_to("trade/v2/orders", "POST")) == 1
    assert fake_saxo.requests_to("port/v1/orders/me")


def test_unknown_outcome_without_a_matching_open_order_raises_and_does_not_resend(fake_saxo):
    fake_saxo.queue("POST", "trade/v2/orders", status=500)

    with pytest.raises(BrokerError) as caught:
        SaxoBroker(fake_saxo.client()).place(intent(), order_id=ORDER_ID)

    assert caught.value.code == "OrderOutcomeUnknown"
    assert len(fake_saxo.requests_to("trade/v2/orders", "POST")) == 1


def test_order_429_waits_for_the_reset_then_sends_again(fake_saxo):
    fake_saxo.queue("POST", "trade/v2/orders", status=429, headers={
        "X-RateLimit-SessionOrders-Limit": "1", "X-RateLimit-SessionOrders-Remaining": "0",
        "X-RateLimit-SessionOrders-Reset": "1"})

    placement = SaxoBroker(fake_saxo.client(rate_limit_margin=0)).place(intent(), order_id="o")

    assert placement.broker_order_id
    assert len(fake_saxo.requests_to("trade/v2/orders", "POST")) == 2
    assert fake_saxo.sleeps and fake_saxo.sleeps[0] == pytest.approx(1.0, abs=0.05)


def test_precheck_runs_first_and_its_error_info_blocks_the_order(fake_saxo):
    fake_saxo.queue("POST", "trade/v2/orders/precheck", status=201, json={
        "ErrorInfo": {"ErrorCode": "IllegalInstrumentId", "Message": "Instrument ID is invalid"},
        "EstimatedCashRequired": 0.0, "PreCheckResult": "Ok"})

    with pytest.raises(BrokerError) as caught:
        SaxoBroker(fake_saxo.client(), precheck=True).place(intent(), order_id="o")

    assert caught.value.code == "IllegalInstrumentId"
    assert not fake_saxo.requests_to("trade/v2/orders", "POST")


def test_precheck_ok_then_order_sent_with_distinct_request_ids(fake_saxo):
    SaxoBroker(fake_saxo.client(), precheck=True).place(intent(), order_id="o")

    [check] = fake_saxo.requests_to("trade/v2/orders/precheck")
    [order] = fake_saxo.requests_to("trade/v2/orders")
    assert check.json == order.json
    assert check.headers["x-request-id"] != order.headers["x-request-id"] == "o"


def test_configured_account_key_is_used_without_asking_accounts(fake_saxo):
    client = fake_saxo.client()
    client = type(client)(fake_saxo.config(access_token="fake-24h-sim-token",
                                           account_key="CONFIGURED=="), client.tokens,
                          sleep=fake_saxo.sleep)

    SaxoBroker(client).place(intent(), order_id="o")

    assert fake_saxo.requests_to("trade/v2/orders")[0].json["AccountKey"] == "CONFIGURED=="
    assert not fake_saxo.requests_to("port/v1/accounts/me")


def test_unknown_symbol_is_a_broker_error_and_nothing_is_sent(fake_saxo):
    with pytest.raises(BrokerError) as caught:
        SaxoBroker(fake_saxo.client()).place(intent(code="NOPE.I"), order_id="o")

    assert caught.value.code == "UnknownSymbol"
    assert not fake_saxo.requests_to("trade/v2/orders")


def test_too_long_order_id_is_refused_before_sending(fake_saxo):
    with pytest.raises(BrokerError, match="longer than 50"):
        SaxoBroker(fake_saxo.client()).place(intent(), order_id="x" * 51)


def test_asset_type_comes_from_the_instrument_search(fake_saxo):
    broker = SaxoBroker(fake_saxo.client())

    assert broker.name == "saxo"
    assert broker.asset_type("ITP:xpar") == "Stock"
    assert broker.asset_type("GER40.I") == "CfdOnIndex"
    assert broker.asset_type("DAX.I") == "StockIndex"
    assert broker.asset_type("NOPE.I") is None
