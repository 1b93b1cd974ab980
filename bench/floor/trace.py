"""Reviews of delivered lines; lots, their events and anchors, and the lot each line came from."""

from __future__ import annotations

from datetime import date, timedelta

from bench.floor import LOCAL, month_windows


def reviews(s) -> None:
    s.run(
        """
        INSERT INTO reviews_productreview (id, product_id, partner_id, line_id, user_id,
            score, title, body, name, email, homepage, status, total_votes, delta_votes,
            date_created, purchased_at, language, answer, hidden_reason)
        SELECT {b_productreview} + row_number() OVER (ORDER BY r.at, l.id), l.product_id,
               l.partner_id, l.id, s.user_id, r.score,
               (ARRAY['Tệ','Chưa ưng','Tạm được','Hàng tốt','Rất hài lòng'])[r.score],
               (ARRAY['Hàng không như mô tả.','Giao chậm, hàng bình thường.',
                      'Được, đóng gói cẩn thận.','Hàng tốt, sẽ mua lại.',
                      'Đúng chất đặc sản, cả nhà đều thích.'])[r.score],
               'Khách', '', '', 1, 0, 0, r.at, s.placed, 'vi', '', ''
        FROM seed_line l JOIN seed_ship s ON s.id = l.ship_id
        CROSS JOIN LATERAL (SELECT
            s.t_deliver + make_interval(secs => 86400 * (1 + 9 * pg_temp.u(l.id, 71))) AS at,
            CASE WHEN pg_temp.u(l.id, 72) < 0.03 THEN 1 WHEN pg_temp.u(l.id, 72) < 0.07
                 THEN 2 WHEN pg_temp.u(l.id, 72) < 0.17 THEN 3
                 WHEN pg_temp.u(l.id, 72) < 0.45 THEN 4 ELSE 5 END AS score) r
        WHERE s.status = 'delivered' AND NOT s.guest AND pg_temp.u(l.id, 70) < 0.15
          AND r.at <= %s
        """,
        [s.now],
    )
    s.run(
        """
        UPDATE catalogue_product p SET rating = r.rating, reviews_count = r.n
        FROM (SELECT product_id, avg(score) AS rating, count(*) AS n
              FROM reviews_productreview WHERE id > {b_productreview}
              GROUP BY product_id) r
        WHERE p.id = r.product_id;
        UPDATE partner_partner p SET rating = r.rating, reviews_count = r.n
        FROM (SELECT partner_id, avg(score) AS rating, count(*) AS n
              FROM reviews_productreview WHERE id > {b_productreview}
              GROUP BY partner_id) r
        WHERE p.id = r.partner_id;
        """
    )


def traceability(s) -> None:
    start = s.now.astimezone(LOCAL)
    first = month_windows(s.months, s.now)[0][1]
    quarters = []
    q = date(first.year, 3 * ((first.month - 1) // 3) + 1, 1)
    while q <= start.date():
        quarters.append((len(quarters), q))
        q = date(q.year + (q.month + 2) // 12, (q.month + 2) % 12 + 1, 1)
    s.sql("CREATE TEMP TABLE seed_quarter (q int, starts date)")
    s.copy("seed_quarter", ("q", "starts"), quarters)
    s.run(
        """
        CREATE TEMP TABLE seed_lot AS
        SELECT {b_lot} + row_number() OVER (ORDER BY q.q, pr.product_id) AS id,
               pr.product_id, pr.partner_id, q.q, q.starts,
               'S' || to_char(q.starts, 'YY') || 'Q' || (1 + q.q % 4) || '-' || pr.product_id
                 AS code,
               q.starts - 20 AS produced,
               pg_temp.u(pr.product_id * 100 + q.q, 81) < 0.75 AS inspected,
               pg_temp.u(pr.product_id * 100 + q.q, 82) < 0.85 AS anchored
        FROM seed_product pr CROSS JOIN seed_quarter q
        WHERE pg_temp.u(pr.product_id, 80) < 0.4
        """
    )
    s.sql(
        """
        INSERT INTO traceability_lot (id, product_id, producer_id, code, production_date,
            origin_province_code, origin_province_name, origin_ward_code, origin_ward_name,
            quantity, unit, ocop_certificate, gi_certificate, created_at, flag_reason,
            scan_count)
        SELECT l.id, l.product_id, l.partner_id, l.code, l.produced, p.province_code,
               p.province_name, p.ward_code, p.ward_name, 1000, 'KGM', '', '',
               (l.produced::timestamp + interval '7 hours') AT TIME ZONE 'Asia/Ho_Chi_Minh',
               '', 0
        FROM seed_lot l JOIN seed_partner p ON p.id = l.partner_id
        """
    )
    s.run(
        """
        CREATE TEMP TABLE seed_event AS
        SELECT {b_event} + row_number() OVER (ORDER BY e.lot_id, e.seq) AS id, e.*,
               '0x' || encode(sha256(convert_to(e.canonical, 'UTF8')), 'hex') AS digest
        FROM (
          SELECT l.id AS lot_id, l.q, l.anchored,
                 row_number() OVER (PARTITION BY l.id ORDER BY st.o) AS seq,
                 st.step, st.at,
                 json_build_object('type', 'ObjectEvent', 'bizStep', st.step,
                   'eventTime', st.at, 'lot', l.code, 'lotId', l.id, 'o', st.o,
                   'seed', {seed})::text AS canonical
          FROM seed_lot l
          CROSS JOIN LATERAL (VALUES
            (1, 'commissioning', l.produced::timestamp + interval '7 hours'),
            (2, CASE WHEN l.inspected THEN 'inspecting' END,
                l.produced::timestamp + interval '3 days 9 hours'),
            (3, 'packing', l.produced::timestamp + interval '5 days 8 hours')) st0(o, step, t)
          CROSS JOIN LATERAL (SELECT st0.o, st0.step,
                                     st0.t AT TIME ZONE 'Asia/Ho_Chi_Minh' AS at) st
          WHERE st.step IS NOT NULL
        ) e
        """
    )
    s.run(
        """
        INSERT INTO traceability_event (id, lot_id, seq, event_id, biz_step, event_time,
            canonical, digest, prev_digest, signer, signature, signature_contract,
            recorded_at)
        SELECT e.id, e.lot_id, e.seq, 'urn:uuid:' || md5(e.digest)::uuid, e.step, e.at,
               e.canonical, e.digest,
               coalesce(lag(e.digest) OVER (PARTITION BY e.lot_id ORDER BY e.seq), ''),
               '', '', '', e.at
        FROM seed_event e ORDER BY e.id
        """
    )
    registry = s.base["registrydeployment"] + 1
    s.sql(
        "INSERT INTO traceability_registrydeployment (id, chain_id, address, owner, tx_hash,"
        " block_number, deployed_at) VALUES (%s, 31337, '0x' || left(md5(%s), 40 - 32)"
        " || md5(%s), '0x' || repeat('a', 40), '0x' || md5(%s) || md5(%s), 1, %s)",
        [
            registry,
            f"r{registry}",
            f"registry-{registry}-{s.seed}",
            f"t{registry}",
            f"tx{registry}",
            month_windows(s.months, s.now)[0][1] - timedelta(days=120),
        ],
    )
    s.run(
        """
        CREATE TEMP TABLE seed_batch AS
        SELECT {b_anchorbatch} + row_number() OVER (ORDER BY q) AS id, q, count(*) AS n,
               max(at) + interval '1 hour' AS at
        FROM seed_event WHERE anchored GROUP BY q
        """
    )
    s.sql(
        """
        INSERT INTO traceability_anchorbatch (id, registry_id, root, count, heads_root,
            lots_filter, state, tx_hash, block_number, anchored_at, attempts, last_error,
            lease_owner, created_at, confirmed_at)
        SELECT b.id, %s, '0x' || encode(sha256(convert_to('batch' || b.id, 'UTF8')), 'hex'),
               b.n, '', '', 'confirmed',
               '0x' || encode(sha256(convert_to('tx' || b.id, 'UTF8')), 'hex'),
               1000 + b.id, b.at, 1, '', '', b.at, b.at
        FROM seed_batch b
        """,
        [registry],
    )
    s.sql(
        """
        INSERT INTO traceability_eventproof (event_id, batch_id, proof)
        SELECT e.id, b.id, '[]'::jsonb FROM seed_event e JOIN seed_batch b ON b.q = e.q
        WHERE e.anchored;
        INSERT INTO traceability_lothead (id, batch_id, lot_id, key, digest, count, proof)
        SELECT (SELECT coalesce(max(id), 0) FROM traceability_lothead)
                 + row_number() OVER (ORDER BY e.lot_id), b.id, e.lot_id,
               '0x' || encode(sha256(convert_to('lot' || e.lot_id, 'UTF8')), 'hex'),
               e.digest, e.seq, '[]'::jsonb
        FROM (SELECT DISTINCT ON (lot_id) * FROM seed_event WHERE anchored
              ORDER BY lot_id, seq DESC) e
        JOIN seed_batch b ON b.q = e.q;
        """
    )
    s.sql("CREATE INDEX ON seed_lot (product_id, starts)")
    s.run(
        """
        INSERT INTO traceability_lotshipment (id, order_line_id, lot_id, quantity,
            created_at)
        SELECT {b_lotshipment} + row_number() OVER (ORDER BY l.id), l.id, lot.id, l.qty,
               s.t_ship
        FROM seed_line l JOIN seed_ship s ON s.id = l.ship_id
        JOIN seed_lot lot ON lot.product_id = l.product_id
             AND lot.starts = date_trunc('quarter',
                                         s.placed AT TIME ZONE 'Asia/Ho_Chi_Minh')::date
        WHERE s.status IN ('shipped', 'delivered', 'returned')
        """
    )
