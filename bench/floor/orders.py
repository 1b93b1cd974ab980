"""Buyers, and the orders' plan (who, when, how it pays, its parcels and lines) made in
staging tables, then written as addresses, orders, lines and shipments."""

from __future__ import annotations

from datetime import timedelta


def buyers_and_orders(s) -> None:
    # The plan of every order: when, who, how it pays and how it ends.
    s.run(
        """
        CREATE TEMP TABLE seed_order0 AS
        SELECT {b_order} + n + 1 AS id, n,
               mo.starts_at + make_interval(secs => (mod(n, {pm}) + pg_temp.u(n, 1)) / {pm}
                                                     * mo.span) AS placed,
               pg_temp.u(n, 2) < 0.12 AS guest,
               {b_user} + 1 + floor({B} * power(pg_temp.u(n, 3), 1.6))::int AS user_id,
               CASE WHEN pg_temp.u(n, 4) < 0.28 THEN 'vnpay'
                    WHEN pg_temp.u(n, 4) < 0.40 THEN 'momo'
                    WHEN pg_temp.u(n, 4) < 0.52 THEN 'vietqr'
                    WHEN pg_temp.u(n, 4) < 0.58 THEN 'card'
                    ELSE 'cod' END AS method,
               pg_temp.u(n, 5) AS fate,
               CASE WHEN pg_temp.u(n, 6) < 0.85 THEN 1
                    WHEN pg_temp.u(n, 6) < 0.97 THEN 2 ELSE 3 END AS nship,
               floor({P} * power(pg_temp.u(n, 7), 1.8))::int AS p0,
               floor(20 * pg_temp.u(n, 8))::int AS bprov,
               pg_temp.u(n, 9) AS wpick
        FROM generate_series(0, {total} - 1) n
        JOIN seed_month mo ON mo.m = n / {pm}
        """
    )
    s.sql(
        """
        CREATE TEMP TABLE seed_order AS
        SELECT o.*, CASE WHEN o.fate < 0.05 THEN 'cancelled'
                         WHEN o.method <> 'cod' AND o.fate < 0.08 AND o.placed > %s
                         THEN 'pending' ELSE 'live' END AS okind
        FROM seed_order0 o
        """,
        [s.now - timedelta(days=2)],
    )
    s.sql("DROP TABLE seed_order0")
    # Buyers: each signed-in one joined an hour before their first order; some never order.
    s.run(
        """
        INSERT INTO auth_user (id, password, is_superuser, username, first_name, last_name,
                               email, is_staff, is_active, date_joined)
        SELECT {b_user} + i, '!', false, 'khach' || ({b_user} + i),
               (ARRAY['An','Bình','Chi','Dũng','Giang','Hà','Hải','Hoa','Lan','Nam'])
                   [1 + floor(10 * pg_temp.u(i, 40))::int],
               (ARRAY['Nguyễn','Trần','Lê','Phạm','Hoàng','Vũ','Đặng','Bùi'])
                   [1 + floor(8 * pg_temp.u(i, 41))::int],
               'khach' || ({b_user} + i) || '@example.vn', false, true,
               coalesce(f.first - interval '1 hour',
                        (SELECT min(starts_at) FROM seed_month))
        FROM generate_series(1, {B}) i
        LEFT JOIN (SELECT user_id, min(placed) AS first FROM seed_order
                   WHERE NOT guest GROUP BY user_id) f ON f.user_id = {b_user} + i
        """
    )
    # One shipment per producer of an order, moved along by its age.
    s.run(
        """
        CREATE TEMP TABLE seed_ship0 AS
        SELECT {b_shipment} + row_number() OVER (ORDER BY o.id, j) AS id, o.id AS order_id,
               o.placed, o.method, o.okind, o.guest, o.user_id, j,
               bp.province AS buyer_province, p.id AS partner_id, p.idx AS pidx, p.kind,
               p.province_code, p.default_carrier, p.rate, p.free_shipping_threshold,
               CASE WHEN bp.province = p.province_code THEN p.shipping_same_province
                    ELSE p.shipping_elsewhere END AS rate_charge
        FROM seed_order o
        CROSS JOIN LATERAL generate_series(0, o.nship - 1) j
        JOIN seed_bprov bp ON bp.idx = o.bprov
        JOIN seed_partner p ON p.idx = (o.p0 + j) % {P}
        """
    )
    s.sql(
        """
        CREATE TEMP TABLE seed_ship1 AS
        SELECT s.*, t.t_confirm, t.t_ship, t.t_deliver, t.t_return, t.fate,
          CASE WHEN s.okind = 'cancelled' THEN 'cancelled'
               WHEN s.okind = 'pending' THEN 'pending'
               WHEN t.fate < 0.035 AND t.fate >= 0.02 THEN 'cancelled'
               WHEN t.fate < 0.02 AND t.t_return <= %(now)s THEN 'returned'
               WHEN t.fate >= 0.02 AND t.t_deliver <= %(now)s THEN 'delivered'
               WHEN t.t_ship <= %(now)s THEN 'shipped'
               WHEN s.placed + interval '8 hours' <= %(now)s THEN 'packed'
               WHEN t.t_confirm <= %(now)s THEN 'confirmed'
               ELSE 'new' END AS status
        FROM seed_ship0 s
        CROSS JOIN LATERAL (
          SELECT s.placed + make_interval(secs => 3600 * (1 + 5 * pg_temp.u(s.id, 20)))
                   AS t_confirm,
                 s.placed + make_interval(secs => 3600 * (12 + 36 * pg_temp.u(s.id, 21)))
                   AS t_ship,
                 s.placed + make_interval(secs => 3600 * (12 + 36 * pg_temp.u(s.id, 21)
                    + CASE WHEN s.buyer_province = s.province_code
                           THEN 10 + 40 * pg_temp.u(s.id, 22)
                           ELSE 18 + 100 * pg_temp.u(s.id, 22) END)) AS t_deliver,
                 s.placed + make_interval(secs => 3600 * (12 + 36 * pg_temp.u(s.id, 21)
                    + 96 + 72 * pg_temp.u(s.id, 22))) AS t_return,
                 pg_temp.u(s.id, 23) AS fate
        ) t
        """,
        {"now": s.now},
    )
    s.sql("DROP TABLE seed_ship0")
    # Lines: one to three of the producer's products, distinct within the order.
    s.run(
        """
        CREATE TEMP TABLE seed_line AS
        SELECT {b_line} + row_number() OVER (ORDER BY s.id, i) AS id, s.id AS ship_id,
               s.order_id, s.partner_id, pr.product_id, pr.stockrecord_id, pr.title,
               pr.price, q.qty, pr.price * q.qty AS amount
        FROM seed_ship1 s
        JOIN seed_product pr0 ON pr0.partner_id = s.partner_id AND pr0.k = 0
        CROSS JOIN LATERAL generate_series(0, least(pr0.np,
            CASE WHEN pg_temp.u(s.id, 30) < 0.7 THEN 1
                 WHEN pg_temp.u(s.id, 30) < 0.93 THEN 2 ELSE 3 END) - 1) i
        JOIN seed_product pr ON pr.partner_id = s.partner_id
             AND pr.k = (floor(pr0.np * pg_temp.u(s.id, 31))::int + i) % pr0.np
        CROSS JOIN LATERAL (SELECT CASE WHEN pg_temp.u(s.id * 4 + i, 32) < 0.7 THEN 1
                                        WHEN pg_temp.u(s.id * 4 + i, 32) < 0.9 THEN 2
                                        ELSE 3 + floor(3 * pg_temp.u(s.id * 4 + i, 33))::int
                                   END AS qty) q
        """
    )
    s.sql(
        """
        CREATE TEMP TABLE seed_ship AS
        SELECT s.*, g.goods,
               CASE WHEN s.free_shipping_threshold IS NOT NULL
                         AND g.goods >= s.free_shipping_threshold THEN 0
                    ELSE s.rate_charge END AS charge
        FROM seed_ship1 s
        JOIN (SELECT ship_id, sum(amount) AS goods FROM seed_line GROUP BY ship_id) g
          ON g.ship_id = s.id
        """
    )
    s.sql("DROP TABLE seed_ship1")
    # An order's totals, and for cash on delivery whether all its cash is in.
    s.sql(
        """
        CREATE TEMP TABLE seed_total AS
        SELECT o.*, a.goods, a.charge, a.live_due, a.settled, a.last_delivered,
          CASE WHEN o.okind = 'cancelled' THEN 'Cancelled'
               WHEN o.okind = 'pending' THEN 'Pending payment'
               WHEN o.method <> 'cod' THEN 'Paid'
               WHEN a.settled AND a.last_delivered IS NOT NULL THEN 'Paid'
               ELSE 'Cash on delivery' END AS status
        FROM seed_order o
        JOIN (SELECT order_id, sum(goods) AS goods, sum(charge) AS charge,
                     sum(goods + charge) FILTER (WHERE status NOT IN ('returned', 'cancelled'))
                       AS live_due,
                     bool_and(status IN ('delivered', 'returned', 'cancelled')) AS settled,
                     max(t_deliver) FILTER (WHERE status = 'delivered') AS last_delivered
              FROM seed_ship GROUP BY order_id) a ON a.order_id = o.id
        """
    )
    s.sql("CREATE UNIQUE INDEX ON seed_total (id)")
    s.sql("ANALYZE seed_total; ANALYZE seed_ship; ANALYZE seed_line")


def order_rows(s) -> None:
    s.run(
        """
        INSERT INTO order_shippingaddress (id, title, first_name, last_name, line1, line2,
            line3, line4, state, postcode, search_text, phone_number, notes, country_id,
            province_code, ward_code)
        SELECT {b_shippingaddress} + o.id - {b_order}, '', n.full, '',
               'Số ' || (1 + o.n % 200) || ' đường ' || (ARRAY['Quang Trung','Lê Lợi',
                 'Trần Phú','Hùng Vương','Nguyễn Trãi','Lý Thường Kiệt'])
                 [1 + (o.n / 7) % 6], '', '', w.name, w.province_name, '',
               n.full || ' ' || w.name || ' ' || w.province_name,
               '+849' || lpad(((o.n::bigint * 7919) % 100000000)::text, 8, '0'), '', 'VN',
               w.province, w.code
        FROM seed_total o
        JOIN seed_bprov bp ON bp.idx = o.bprov
        JOIN seed_ward w ON w.province = bp.province
             AND w.idx = floor(bp.nwards * o.wpick)::int
        CROSS JOIN LATERAL (SELECT
            (ARRAY['Nguyễn','Trần','Lê','Phạm','Hoàng','Vũ','Đặng','Bùi','Đỗ','Ngô'])
              [1 + o.n % 10] || ' ' ||
            (ARRAY['Văn','Thị','Minh','Ngọc','Thu','Đức'])[1 + (o.n / 10) % 6] || ' ' ||
            (ARRAY['An','Bình','Chi','Dũng','Giang','Hà','Hải','Hoa','Lan','Nam','Tâm',
                   'Yến'])[1 + (o.n / 60) % 12] AS full) n
        """
    )
    s.run(
        """
        INSERT INTO order_order (id, number, currency, total_incl_tax, total_excl_tax,
            shipping_incl_tax, shipping_excl_tax, shipping_method, shipping_code, status,
            guest_email, date_placed, shipping_address_id, site_id, user_id,
            analytics_tracked, language, notify_channel)
        SELECT o.id, (20000000 + o.id)::text, 'VND', o.goods + o.charge, o.goods + o.charge,
               o.charge, o.charge, 'Shipping by each producer', 'per-producer', o.status,
               CASE WHEN o.guest THEN 'khach' || o.n || '@example.vn' ELSE '' END,
               o.placed, {b_shippingaddress} + o.id - {b_order},
               (SELECT min(id) FROM django_site),
               CASE WHEN o.guest THEN NULL ELSE o.user_id END, true, 'vi', 'email'
        FROM seed_total o ORDER BY o.id
        """
    )
    s.sql(
        """
        INSERT INTO order_line (id, partner_name, partner_sku, partner_line_reference,
            partner_line_notes, title, quantity, line_price_incl_tax, line_price_excl_tax,
            line_price_before_discounts_incl_tax, line_price_before_discounts_excl_tax,
            unit_price_incl_tax, unit_price_excl_tax, status, order_id, partner_id,
            product_id, stockrecord_id, allocation_cancelled, num_allocated)
        SELECT l.id, p.name, 'SKU-' || l.product_id, '', '', l.title, l.qty, l.amount,
               l.amount, l.amount, l.amount, l.price, l.price,
               CASE s.status WHEN 'pending' THEN 'Pending' WHEN 'new' THEN 'To confirm'
                    WHEN 'confirmed' THEN 'Confirmed' WHEN 'packed' THEN 'Packed'
                    WHEN 'shipped' THEN 'Shipped' WHEN 'delivered' THEN 'Delivered'
                    WHEN 'returned' THEN 'Returned' ELSE 'Cancelled' END,
               l.order_id, l.partner_id, l.product_id, l.stockrecord_id,
               s.status = 'cancelled', CASE WHEN s.status = 'cancelled' THEN 0 ELSE l.qty END
        FROM seed_line l JOIN seed_ship s ON s.id = l.ship_id
        JOIN seed_partner p ON p.id = l.partner_id
        ORDER BY l.id
        """
    )
    s.sql(
        """
        INSERT INTO fulfilment_shipment (id, order_id, partner_id, status, charge,
            charge_source, quoted_carrier, expected_delivery, carrier, tracking_number,
            waybill, waybill_reference, waybill_attempts, waybill_error,
            waybill_requested_at, label_url, sort_code, carrier_fee, weight_grams,
            tracking_status, tracking_at, tracking_token, cod, cod_due, cod_collected,
            cod_reported_at, receipt, received_at, returned_at, created_at, updated_at,
            shipped_at, delivered_at)
        SELECT s.id, s.order_id, s.partner_id, s.status, s.charge,
               CASE WHEN s.charge = 0 THEN 'free' ELSE 'quote' END, s.default_carrier,
               ((s.placed AT TIME ZONE 'Asia/Ho_Chi_Minh')::date
                 + CASE WHEN s.buyer_province = s.province_code THEN 2 ELSE 4 END),
               CASE WHEN w.has_waybill THEN s.default_carrier ELSE '' END,
               CASE WHEN w.has_waybill THEN upper(s.default_carrier) || s.id ELSE '' END,
               CASE WHEN w.has_waybill THEN 'created' ELSE '' END,
               CASE WHEN w.has_waybill THEN 'CP' || s.id ELSE '' END,
               CASE WHEN w.has_waybill THEN 1 ELSE 0 END, '',
               CASE WHEN w.has_waybill THEN s.placed + interval '8 hours' END, '', '',
               CASE WHEN w.has_waybill THEN round(s.rate_charge * 0.8) END,
               CASE WHEN w.has_waybill THEN 1000 + mod(s.id, 4) * 500 END,
               CASE s.status WHEN 'packed' THEN 'ready_to_pick' WHEN 'shipped' THEN
                    'in_transit' WHEN 'delivered' THEN 'delivered'
                    WHEN 'returned' THEN 'returned' ELSE '' END,
               CASE s.status WHEN 'packed' THEN s.placed + interval '8 hours'
                    WHEN 'shipped' THEN s.t_ship WHEN 'delivered' THEN s.t_deliver
                    WHEN 'returned' THEN s.t_return END,
               lpad(s.id::text, 11, '0') || md5(s.id::text || 'seed'),
               CASE WHEN s.method = 'cod' THEN
                    CASE WHEN s.status = 'delivered' THEN 'collected' ELSE 'due' END
                    ELSE '' END,
               CASE WHEN s.method = 'cod' THEN s.goods + s.charge ELSE 0 END,
               CASE WHEN s.method = 'cod' AND s.status = 'delivered'
                    THEN s.goods + s.charge END,
               CASE WHEN s.method = 'cod' AND s.status = 'delivered' THEN s.t_deliver END,
               CASE WHEN s.status <> 'delivered' THEN ''
                    WHEN s.fate > 0.7 THEN 'buyer'
                    WHEN s.t_deliver + interval '3 days' <= %(now)s THEN 'auto'
                    ELSE '' END,
               CASE WHEN s.status <> 'delivered' THEN NULL
                    WHEN s.fate > 0.7 THEN s.t_deliver + interval '2 hours'
                    WHEN s.t_deliver + interval '3 days' <= %(now)s
                         THEN s.t_deliver + interval '3 days' END,
               CASE WHEN s.status = 'returned' THEN s.t_return END,
               s.placed,
               least(%(now)s, CASE s.status WHEN 'delivered' THEN s.t_deliver
                    WHEN 'returned' THEN s.t_return WHEN 'shipped' THEN s.t_ship
                    ELSE s.placed END),
               CASE WHEN s.status IN ('shipped', 'delivered', 'returned') THEN s.t_ship END,
               CASE WHEN s.status = 'delivered' THEN s.t_deliver END
        FROM seed_ship s
        CROSS JOIN LATERAL (SELECT s.status IN ('packed', 'shipped', 'delivered',
                                                'returned') AS has_waybill) w
        ORDER BY s.id
        """,
        {"now": s.now},
    )
