"""Payment attempts, refunds and complaints; the settlement ledger and its statements."""

from __future__ import annotations

from decimal import Decimal

from bench.floor import LOCAL, PIT_RATE, VAT_RATE, WITHHOLDING_FROM


def payments(s, operator: int) -> None:
    # Online orders: one attempt, with a failed try before 5 % of the payments; cash on
    # delivery: one attempt, paid when every parcel's cash is in.
    s.run(
        """
        INSERT INTO payments_paymentattempt (id, order_id, method, reference, amount,
            currency, status, gateway_txn_id, gateway_reference, qr_payload, response_code,
            refunded, needs_review, created_at, expires_at, paid_at, updated_at)
        SELECT {b_paymentattempt} + 2 * (o.id - {b_order}) - 1, o.id, o.method,
               'SF' || ({b_paymentattempt} + 2 * (o.id - {b_order}) - 1), o.goods + o.charge,
               'VND', 'failed', '', '', '', '24', 0, '', o.placed,
               o.placed + interval '15 minutes', NULL, o.placed + interval '2 minutes'
        FROM seed_total o
        WHERE o.method <> 'cod' AND o.okind = 'live' AND pg_temp.u(o.id, 50) < 0.05
        """
    )
    s.sql(
        s.fmt(
            """
        INSERT INTO payments_paymentattempt (id, order_id, method, reference, amount,
            currency, status, gateway_txn_id, gateway_reference, qr_payload, response_code,
            refunded, needs_review, created_at, expires_at, paid_at, updated_at)
        SELECT {b_paymentattempt} + 2 * (o.id - {b_order}), o.id, o.method,
               'SF' || ({b_paymentattempt} + 2 * (o.id - {b_order})),
               CASE WHEN o.method = 'cod' AND o.live_due > 0 THEN o.live_due
                    ELSE o.goods + o.charge END,
               'VND', a.status,
               CASE WHEN a.status = 'paid' AND o.method <> 'cod'
                    THEN 'GD' || (o.id * 7 + 13) ELSE '' END,
               '', '',
               CASE a.status WHEN 'paid' THEN '00' WHEN 'failed' THEN '24' ELSE '' END,
               0, '', a.created, a.created + CASE o.method
                    WHEN 'vietqr' THEN interval '24 hours'
                    WHEN 'card' THEN interval '1 hour'
                    WHEN 'cod' THEN interval '3650 days'
                    ELSE interval '15 minutes' END,
               CASE WHEN a.status = 'paid' THEN
                    CASE WHEN o.method = 'cod' THEN o.last_delivered
                         ELSE a.created + make_interval(secs => 60 + 420 * o.fate) END
               END,
               least(%(now)s, CASE WHEN o.method = 'cod' AND a.status = 'paid'
                                   THEN o.last_delivered
                                   ELSE a.created + interval '10 minutes' END)
        FROM seed_total o
        CROSS JOIN LATERAL (SELECT
          CASE WHEN o.okind = 'cancelled' THEN
                    CASE WHEN o.method = 'cod' THEN 'cancelled'
                         WHEN o.fate < 0.025 THEN 'failed' ELSE 'expired' END
               WHEN o.okind = 'pending' THEN 'pending'
               WHEN o.method <> 'cod' THEN 'paid'
               WHEN o.status = 'Paid' THEN 'paid'
               WHEN o.settled THEN 'cancelled'
               ELSE 'pending' END AS status,
          o.placed + CASE WHEN o.method <> 'cod' AND o.okind = 'live'
                               AND pg_temp.u(o.id, 50) < 0.05
                          THEN interval '3 minutes' ELSE interval '0' END AS created) a
        ORDER BY o.id
        """
        ),
        {"now": s.now},
    )
    # Refunds: prepaid parcels cancelled or returned, and complaints settled by a refund.
    s.sql(
        """
        CREATE TEMP TABLE seed_complaint AS
        SELECT DISTINCT ON (s.id) s.id AS ship_id, s.order_id, s.partner_id, s.kind,
               s.rate, s.method, s.user_id, s.guest, s.t_deliver, l.id AS line_id,
               l.amount, o.status AS ostatus,
               s.t_deliver + make_interval(secs => 3600 * (2 + 46 * pg_temp.u(s.id, 61)))
                 AS opened,
               pg_temp.u(s.id, 62) AS r1, pg_temp.u(s.id, 63) AS r2,
               4 + 116 * pg_temp.u(s.id, 64) AS hours
        FROM seed_ship s
        JOIN seed_total o ON o.id = s.order_id
        JOIN seed_line l ON l.ship_id = s.id
        WHERE s.status = 'delivered' AND pg_temp.u(s.id, 60) < 0.012
          AND s.t_deliver + interval '2 days' <= %(now)s
        ORDER BY s.id, l.id
        """,
        {"now": s.now},
    )
    s.sql(
        """
        ALTER TABLE seed_complaint ADD COLUMN state text, ADD COLUMN remedy text,
            ADD COLUMN decided timestamptz
        """
    )
    s.sql(  # one statement a call: parameters are bound by the server
        """
        UPDATE seed_complaint SET
          state = CASE WHEN opened + interval '7 days' > %(now)s THEN 'open'
                       WHEN r1 < 0.1 THEN 'withdrawn' ELSE 'resolved' END,
          remedy = CASE WHEN r2 < 0.6 THEN 'refund' WHEN r2 < 0.8 THEN 'replace'
                        ELSE 'none' END
        """,
        {"now": s.now},
    )
    s.sql(
        """
        UPDATE seed_complaint SET decided = opened + make_interval(secs => 3600 * hours)
          WHERE state = 'resolved'
        """
    )
    s.run(
        """
        CREATE TEMP TABLE seed_refund AS
        SELECT {b_refund} + row_number() OVER (ORDER BY at, src, ship_id) AS id, *
        FROM (
          SELECT 'parcel' AS src, s.id AS ship_id, s.order_id, s.partner_id,
                 s.goods + s.charge AS amount,
                 CASE WHEN s.status = 'returned' THEN s.t_return ELSE s.t_confirm END AS at,
                 CASE WHEN s.status = 'returned' THEN 'Hàng hoàn về nhà sản xuất'
                      ELSE 'Người mua huỷ phần đơn trước khi đóng gói' END AS reason,
                 NULL::bigint AS line_id, s.kind, s.rate, NULL::timestamptz AS sold_at
          FROM seed_ship s
          WHERE s.method <> 'cod' AND s.okind = 'live'
            AND s.status IN ('cancelled', 'returned')
          UNION ALL
          SELECT 'complaint', c.ship_id, c.order_id, c.partner_id, c.amount, c.decided,
                 'Hoàn tiền theo khiếu nại', c.line_id, c.kind, c.rate, c.t_deliver
          FROM seed_complaint c
          WHERE c.state = 'resolved' AND c.remedy = 'refund' AND c.method <> 'cod'
        ) r
        WHERE r.at <= %s
        """,
        [s.now],
    )
    s.run(
        """
        INSERT INTO payments_refund (id, attempt_id, amount, reason, status,
            gateway_reference, partner_id, created_by_id, created_at)
        SELECT r.id, {b_paymentattempt} + 2 * (r.order_id - {b_order}), r.amount, r.reason,
               'accepted', 'HT' || r.id, r.partner_id, %s, r.at
        FROM seed_refund r ORDER BY r.id
        """,
        [operator],
    )
    s.run(
        """
        UPDATE payments_paymentattempt a SET refunded = r.total
        FROM (SELECT order_id, sum(amount) AS total FROM seed_refund GROUP BY order_id) r
        WHERE a.id = {b_paymentattempt} + 2 * (r.order_id - {b_order})
        """
    )
    s.run(
        """
        INSERT INTO complaints_complaint (id, reference, order_id, shipment_id, line_id,
            partner_id, user_id, language, reason, description, wish, quantity, state,
            opened_at, answer_due_at, answered_at, buyer_due_at, escalated_at,
            escalated_automatically, decided_at, resolved_at, resolved_in_time, remedy,
            remedy_amount, remedy_note, decided_by_role, refund_id, payout_bank_bin,
            payout_account_number, payout_account_holder, payout_recorded_at,
            payout_recorded_by_id, execution_error)
        SELECT {b_complaint} + row_number() OVER (ORDER BY c.opened, c.ship_id),
               'KN-S-' || c.ship_id, c.order_id, c.ship_id, c.line_id, c.partner_id,
               CASE WHEN c.guest THEN NULL ELSE c.user_id END, 'vi',
               (ARRAY['damaged','not_as_described','missing','wrong_product','late',
                      'origin'])[1 + floor(6 * power(c.r1, 1.5))::int],
               'Hàng nhận được không như mô tả, hộp bị móp.',
               CASE WHEN c.r2 < 0.7 THEN 'refund' ELSE 'replace' END, 1, c.state,
               c.opened, c.opened + interval '48 hours',
               CASE WHEN c.state = 'resolved' AND c.hours <= 48 THEN c.decided END,
               NULL,
               CASE WHEN c.state = 'resolved' AND c.hours > 48
                    THEN c.opened + interval '48 hours' END,
               c.state = 'resolved' AND c.hours > 48,
               c.decided, c.decided,
               CASE WHEN c.state = 'resolved' THEN c.hours <= 48 END,
               CASE WHEN c.state = 'resolved' THEN c.remedy ELSE '' END,
               CASE WHEN c.state = 'resolved' AND c.remedy = 'refund' THEN c.amount END,
               '',
               CASE WHEN c.state <> 'resolved' THEN ''
                    WHEN c.hours <= 48 THEN 'producer' ELSE 'operator' END,
               r.id,
               CASE WHEN cod_payout THEN '970436' ELSE '' END,
               CASE WHEN cod_payout THEN '0' || lpad(c.ship_id::text, 11, '0') ELSE '' END,
               CASE WHEN cod_payout THEN 'NGUOI MUA' ELSE '' END,
               CASE WHEN cod_payout THEN c.decided + interval '1 day' END,
               CASE WHEN cod_payout THEN %s END, ''
        FROM seed_complaint c
        LEFT JOIN seed_refund r ON r.src = 'complaint' AND r.ship_id = c.ship_id
        CROSS JOIN LATERAL (SELECT c.state = 'resolved' AND c.remedy = 'refund'
                                   AND c.method = 'cod'
                                   AND c.decided + interval '1 day' <= %s AS cod_payout) p
        """,
        [operator, s.now],
    )


def ledger(s, operator: int) -> None:
    s.sql(
        """
        CREATE TEMP TABLE seed_entry0 AS
        SELECT 'sale' AS kind, l.partner_id, l.order_id, l.id AS line_id,
               NULL::bigint AS shipment_id, NULL::bigint AS refund_id,
               left(l.title, 255) AS description, l.qty AS quantity, l.amount AS gross,
               round(l.amount * s.rate) AS commission,
               CASE WHEN s.kind = 'household' AND s.t_deliver >= %(from)s
                    THEN round(l.amount * %(vat)s) ELSE 0 END AS vat,
               CASE WHEN s.kind = 'household' AND s.t_deliver >= %(from)s
                    THEN round(l.amount * %(pit)s) ELSE 0 END AS pit,
               s.rate, s.t_deliver AS earned_at
        FROM seed_line l JOIN seed_ship s ON s.id = l.ship_id
        JOIN seed_total o ON o.id = s.order_id
        WHERE s.status = 'delivered' AND (s.method = 'cod' OR o.status = 'Paid')
        UNION ALL
        SELECT 'shipping', s.partner_id, s.order_id, NULL, s.id, NULL, '', NULL, s.charge,
               0, 0, 0, 0, s.t_deliver
        FROM seed_ship s JOIN seed_total o ON o.id = s.order_id
        WHERE s.status = 'delivered' AND s.charge > 0
          AND (s.method = 'cod' OR o.status = 'Paid')
        UNION ALL
        SELECT 'refund', r.partner_id, r.order_id, NULL, NULL, r.id, r.reason, NULL,
               -r.amount, -round(r.amount * r.rate),
               CASE WHEN r.kind = 'household' AND r.sold_at >= %(from)s
                    THEN -round(r.amount * %(vat)s) ELSE 0 END,
               CASE WHEN r.kind = 'household' AND r.sold_at >= %(from)s
                    THEN -round(r.amount * %(pit)s) ELSE 0 END,
               r.rate, r.at
        FROM seed_refund r WHERE r.src = 'complaint'
        """,
        {"from": WITHHOLDING_FROM, "vat": Decimal(VAT_RATE), "pit": Decimal(PIT_RATE)},
    )
    today = s.now.astimezone(LOCAL).date()
    s.sql(
        """
        CREATE TEMP TABLE seed_entry AS
        SELECT e.*, date_trunc('month', d.d)::date
                      + CASE WHEN extract(day FROM d.d) >= 16 THEN 15 ELSE 0 END
                      AS period_start,
               CASE WHEN extract(day FROM d.d) >= 16
                    THEN (date_trunc('month', d.d) + interval '1 month - 1 day')::date
                    ELSE date_trunc('month', d.d)::date + 14 END AS period_end
        FROM seed_entry0 e
        CROSS JOIN LATERAL (SELECT (e.earned_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date
                            AS d) d;
        DROP TABLE seed_entry0;
        """
    )
    s.run(
        """
        CREATE TEMP TABLE seed_statement AS
        SELECT {b_statement} + row_number() OVER (ORDER BY period_start, partner_id) AS id,
               partner_id, period_start, period_end,
               sum(gross) FILTER (WHERE kind = 'sale') AS gross_sales,
               sum(gross) FILTER (WHERE kind = 'shipping') AS shipping,
               sum(gross) FILTER (WHERE kind = 'refund') AS refunds,
               sum(commission) AS commission, sum(vat) AS vat, sum(pit) AS pit,
               sum(gross - commission - vat - pit) AS net
        FROM seed_entry WHERE period_end < %s
        GROUP BY partner_id, period_start, period_end
        """,
        [today],
    )
    s.sql(
        """
        INSERT INTO settlements_statement (id, partner_id, reference, period_start,
            period_end, status, gross_sales, shipping, refunds, carried, commission,
            vat_withheld, pit_withheld, net, issued_at, paid_at, paid_by_id,
            bank_reference)
        SELECT s.id, s.partner_id,
               'QT' || to_char(s.period_start, 'YYMMDD') || 'P' || s.partner_id,
               s.period_start, s.period_end, st.status, coalesce(s.gross_sales, 0),
               coalesce(s.shipping, 0), coalesce(s.refunds, 0), 0, s.commission, s.vat,
               s.pit, s.net, st.issued,
               CASE WHEN st.status = 'paid' THEN st.issued + interval '2 days' END,
               CASE WHEN st.status = 'paid' THEN %(operator)s END,
               CASE WHEN st.status = 'paid' THEN 'FT' || s.id ELSE '' END
        FROM seed_statement s
        CROSS JOIN LATERAL (SELECT
          CASE WHEN s.net <= 0 THEN 'nothing'
               WHEN s.period_end = (SELECT max(period_end) FROM seed_statement) THEN 'issued'
               ELSE 'paid' END AS status,
          least(%(now)s, ((s.period_end + 1)::timestamp + interval '8 hours')
                         AT TIME ZONE 'Asia/Ho_Chi_Minh') AS issued) st
        ORDER BY s.id
        """,
        {"operator": operator, "now": s.now},
    )
    s.run(
        """
        INSERT INTO settlements_entry (id, partner_id, kind, order_id, line_id, shipment_id,
            refund_id, description, quantity, gross, commission, vat_withheld,
            pit_withheld, net, rate, earned_at, recorded_at, statement_id)
        SELECT {b_entry} + row_number() OVER (ORDER BY e.order_id, e.kind, e.line_id,
                                                e.shipment_id, e.refund_id),
               e.partner_id, e.kind, e.order_id, e.line_id, e.shipment_id, e.refund_id,
               e.description, e.quantity, e.gross, e.commission, e.vat, e.pit,
               e.gross - e.commission - e.vat - e.pit, e.rate, e.earned_at,
               least(%s, e.earned_at + interval '30 minutes'), s.id
        FROM seed_entry e
        LEFT JOIN seed_statement s ON s.partner_id = e.partner_id
             AND s.period_start = e.period_start
        """,
        [s.now],
    )
