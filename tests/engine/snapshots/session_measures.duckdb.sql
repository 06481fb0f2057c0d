WITH "t12" AS (
  SELECT
    "t3"."event_id",
    "t3"."session_id",
    "t3"."ts",
    "t3"."type",
    "t3"."user_id",
    "t3"."source",
    "t3"."is_follower",
    "t3"."product_id",
    "t3"."order_id",
    "t3"."quantity",
    "t3"."amount_fen",
    "t3"."channel",
    "t3"."kind",
    "t3"."text",
    "t3"."extra",
    "t3"."ingested_at",
    "t3"."scope_start",
    "t3"."scope_end",
    "t3"."scope_as_of",
    LEAD("t3"."ts") OVER (
      PARTITION BY "t3"."session_id", "t3"."user_id"
      ORDER BY "t3"."ts" ASC, "t3"."event_id" ASC
      ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
    ) AS "next_ts",
    LAG("t3"."type") OVER (
      PARTITION BY "t3"."session_id", "t3"."user_id"
      ORDER BY "t3"."ts" ASC, "t3"."event_id" ASC
      ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
    ) AS "prev_type"
  FROM (
    SELECT
      "t0"."event_id",
      "t0"."session_id",
      "t0"."ts",
      "t0"."type",
      "t0"."user_id",
      "t0"."source",
      "t0"."is_follower",
      "t0"."product_id",
      "t0"."order_id",
      "t0"."quantity",
      "t0"."amount_fen",
      "t0"."channel",
      "t0"."kind",
      "t0"."text",
      "t0"."extra",
      "t0"."ingested_at",
      0 AS "scope_start",
      3600000 AS "scope_end",
      3600000 AS "scope_as_of"
    FROM "live_events" AS "t0"
    WHERE
      "t0"."session_id" = 's1'
      AND "t0"."ts" <= 3600000
      AND "t0"."type" IN ('enter', 'leave')
      AND "t0"."user_id" IS NOT NULL
  ) AS "t3"
), "t14" AS (
  SELECT
    "t6"."event_id",
    "t6"."session_id",
    "t6"."ts",
    "t6"."type",
    "t6"."user_id",
    "t6"."source",
    "t6"."is_follower",
    "t6"."product_id",
    "t6"."order_id",
    "t6"."quantity",
    "t6"."amount_fen",
    "t6"."channel",
    "t6"."kind",
    "t6"."text",
    "t6"."extra",
    "t6"."ingested_at",
    "t6"."scope_start",
    "t6"."scope_end",
    "t6"."scope_as_of",
    ROW_NUMBER() OVER (
      PARTITION BY "t6"."session_id", "t6"."order_id"
      ORDER BY "t6"."ts" ASC, "t6"."event_id" ASC
      ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
    ) - 1 AS "rank"
  FROM (
    SELECT
      "t0"."event_id",
      "t0"."session_id",
      "t0"."ts",
      "t0"."type",
      "t0"."user_id",
      "t0"."source",
      "t0"."is_follower",
      "t0"."product_id",
      "t0"."order_id",
      "t0"."quantity",
      "t0"."amount_fen",
      "t0"."channel",
      "t0"."kind",
      "t0"."text",
      "t0"."extra",
      "t0"."ingested_at",
      0 AS "scope_start",
      3600000 AS "scope_end",
      3600000 AS "scope_as_of"
    FROM "live_events" AS "t0"
    WHERE
      "t0"."session_id" = 's1'
      AND "t0"."ts" <= 3600000
      AND "t0"."type" = 'order_paid'
      AND "t0"."order_id" IS NOT NULL
  ) AS "t6"
), "t28" AS (
  SELECT
    "t13"."session_id",
    "t13"."user_id",
    "t13"."event_id",
    "t13"."scope_as_of",
    "t13"."ts" AS "a",
    CASE
      WHEN "t13"."scope_end" IS NULL
      THEN "t13"."next_ts"
      ELSE GREATEST("t13"."ts", LEAST(COALESCE("t13"."next_ts", "t13"."scope_end"), "t13"."scope_end"))
    END AS "e"
  FROM "t12" AS "t13"
  WHERE
    "t13"."type" = 'enter'
)
SELECT
  "t86".*
  EXCLUDE ("_sid7")
FROM (
  SELECT
    "t85"."session_id",
    "t85"."r0__impression_pv",
    "t85"."r0__enter_pv",
    "t85"."r0__comment_pv",
    "t85"."r0__negative_pv",
    "t85"."r0__impression_uv",
    "t85"."r0__enter_uv",
    "t85"."r0__comment_uv",
    "t85"."r0__share_uv",
    "t85"."r0__interact_uv",
    "t85"."r0__follow_uv",
    "t85"."r0__fans_club_uv",
    "t85"."r0__product_impression_uv",
    "t85"."r0__product_click_uv",
    "t85"."r0__enter_pv_natural",
    "t85"."r0__enter_pv_private",
    "t85"."r0__enter_pv_paid",
    "t85"."r0__created_orders",
    "t85"."r0__ad_cost_fen",
    "t85"."r0__watch_ms",
    "t85"."r0__present_uv",
    "t85"."r0__long_visits",
    "t85"."r0__peak_online",
    "t85"."r0__online_at_end",
    "t85"."r0__orphan_leaves",
    "t85"."r0__paid_orders",
    "t85"."r0__pay_gmv_fen",
    "t85"."r0__pay_items",
    "t85"."r0__pay_uv",
    "t85"."r0__ad_gmv_fen",
    "t85"."r0__follower_pay_uv",
    "t85"."r0__repeated_payments",
    "t85"."r0__refund_fen",
    "t85"."r0__refund_cut_fen",
    "t52"."_sid7",
    "t52"."r0__unpaid_orders"
  FROM (
    SELECT
      "t83".*
      EXCLUDE ("_sid6")
    FROM (
      SELECT
        "t82"."session_id",
        "t82"."r0__impression_pv",
        "t82"."r0__enter_pv",
        "t82"."r0__comment_pv",
        "t82"."r0__negative_pv",
        "t82"."r0__impression_uv",
        "t82"."r0__enter_uv",
        "t82"."r0__comment_uv",
        "t82"."r0__share_uv",
        "t82"."r0__interact_uv",
        "t82"."r0__follow_uv",
        "t82"."r0__fans_club_uv",
        "t82"."r0__product_impression_uv",
        "t82"."r0__product_click_uv",
        "t82"."r0__enter_pv_natural",
        "t82"."r0__enter_pv_private",
        "t82"."r0__enter_pv_paid",
        "t82"."r0__created_orders",
        "t82"."r0__ad_cost_fen",
        "t82"."r0__watch_ms",
        "t82"."r0__present_uv",
        "t82"."r0__long_visits",
        "t82"."r0__peak_online",
        "t82"."r0__online_at_end",
        "t82"."r0__orphan_leaves",
        "t82"."r0__paid_orders",
        "t82"."r0__pay_gmv_fen",
        "t82"."r0__pay_items",
        "t82"."r0__pay_uv",
        "t82"."r0__ad_gmv_fen",
        "t82"."r0__follower_pay_uv",
        "t82"."r0__repeated_payments",
        "t67"."_sid6",
        "t67"."r0__refund_fen",
        "t67"."r0__refund_cut_fen"
      FROM (
        SELECT
          "t80".*
          EXCLUDE ("_sid5")
        FROM (
          SELECT
            "t79"."session_id",
            "t79"."r0__impression_pv",
            "t79"."r0__enter_pv",
            "t79"."r0__comment_pv",
            "t79"."r0__negative_pv",
            "t79"."r0__impression_uv",
            "t79"."r0__enter_uv",
            "t79"."r0__comment_uv",
            "t79"."r0__share_uv",
            "t79"."r0__interact_uv",
            "t79"."r0__follow_uv",
            "t79"."r0__fans_club_uv",
            "t79"."r0__product_impression_uv",
            "t79"."r0__product_click_uv",
            "t79"."r0__enter_pv_natural",
            "t79"."r0__enter_pv_private",
            "t79"."r0__enter_pv_paid",
            "t79"."r0__created_orders",
            "t79"."r0__ad_cost_fen",
            "t79"."r0__watch_ms",
            "t79"."r0__present_uv",
            "t79"."r0__long_visits",
            "t79"."r0__peak_online",
            "t79"."r0__online_at_end",
            "t79"."r0__orphan_leaves",
            "t79"."r0__paid_orders",
            "t79"."r0__pay_gmv_fen",
            "t79"."r0__pay_items",
            "t79"."r0__pay_uv",
            "t79"."r0__ad_gmv_fen",
            "t79"."r0__follower_pay_uv",
            "t38"."_sid5",
            "t38"."r0__repeated_payments"
          FROM (
            SELECT
              "t77".*
              EXCLUDE ("_sid4")
            FROM (
              SELECT
                "t76"."session_id",
                "t76"."r0__impression_pv",
                "t76"."r0__enter_pv",
                "t76"."r0__comment_pv",
                "t76"."r0__negative_pv",
                "t76"."r0__impression_uv",
                "t76"."r0__enter_uv",
                "t76"."r0__comment_uv",
                "t76"."r0__share_uv",
                "t76"."r0__interact_uv",
                "t76"."r0__follow_uv",
                "t76"."r0__fans_club_uv",
                "t76"."r0__product_impression_uv",
                "t76"."r0__product_click_uv",
                "t76"."r0__enter_pv_natural",
                "t76"."r0__enter_pv_private",
                "t76"."r0__enter_pv_paid",
                "t76"."r0__created_orders",
                "t76"."r0__ad_cost_fen",
                "t76"."r0__watch_ms",
                "t76"."r0__present_uv",
                "t76"."r0__long_visits",
                "t76"."r0__peak_online",
                "t76"."r0__online_at_end",
                "t76"."r0__orphan_leaves",
                "t72"."_sid4",
                "t72"."r0__paid_orders",
                "t72"."r0__pay_gmv_fen",
                "t72"."r0__pay_items",
                "t72"."r0__pay_uv",
                "t72"."r0__ad_gmv_fen",
                "t72"."r0__follower_pay_uv"
              FROM (
                SELECT
                  "t74".*
                  EXCLUDE ("_sid3")
                FROM (
                  SELECT
                    "t73"."session_id",
                    "t73"."r0__impression_pv",
                    "t73"."r0__enter_pv",
                    "t73"."r0__comment_pv",
                    "t73"."r0__negative_pv",
                    "t73"."r0__impression_uv",
                    "t73"."r0__enter_uv",
                    "t73"."r0__comment_uv",
                    "t73"."r0__share_uv",
                    "t73"."r0__interact_uv",
                    "t73"."r0__follow_uv",
                    "t73"."r0__fans_club_uv",
                    "t73"."r0__product_impression_uv",
                    "t73"."r0__product_click_uv",
                    "t73"."r0__enter_pv_natural",
                    "t73"."r0__enter_pv_private",
                    "t73"."r0__enter_pv_paid",
                    "t73"."r0__created_orders",
                    "t73"."r0__ad_cost_fen",
                    "t73"."r0__watch_ms",
                    "t73"."r0__present_uv",
                    "t73"."r0__long_visits",
                    "t73"."r0__peak_online",
                    "t73"."r0__online_at_end",
                    "t41"."_sid3",
                    "t41"."r0__orphan_leaves"
                  FROM (
                    SELECT
                      "t69".*
                      EXCLUDE ("_sid2")
                    FROM (
                      SELECT
                        "t63"."session_id",
                        "t63"."r0__impression_pv",
                        "t63"."r0__enter_pv",
                        "t63"."r0__comment_pv",
                        "t63"."r0__negative_pv",
                        "t63"."r0__impression_uv",
                        "t63"."r0__enter_uv",
                        "t63"."r0__comment_uv",
                        "t63"."r0__share_uv",
                        "t63"."r0__interact_uv",
                        "t63"."r0__follow_uv",
                        "t63"."r0__fans_club_uv",
                        "t63"."r0__product_impression_uv",
                        "t63"."r0__product_click_uv",
                        "t63"."r0__enter_pv_natural",
                        "t63"."r0__enter_pv_private",
                        "t63"."r0__enter_pv_paid",
                        "t63"."r0__created_orders",
                        "t63"."r0__ad_cost_fen",
                        "t63"."r0__watch_ms",
                        "t63"."r0__present_uv",
                        "t63"."r0__long_visits",
                        "t66"."_sid2",
                        "t66"."r0__peak_online",
                        "t66"."r0__online_at_end"
                      FROM (
                        SELECT
                          "t58".*
                          EXCLUDE ("_sid1")
                        FROM (
                          SELECT
                            "t42"."session_id",
                            "t42"."r0__impression_pv",
                            "t42"."r0__enter_pv",
                            "t42"."r0__comment_pv",
                            "t42"."r0__negative_pv",
                            "t42"."r0__impression_uv",
                            "t42"."r0__enter_uv",
                            "t42"."r0__comment_uv",
                            "t42"."r0__share_uv",
                            "t42"."r0__interact_uv",
                            "t42"."r0__follow_uv",
                            "t42"."r0__fans_club_uv",
                            "t42"."r0__product_impression_uv",
                            "t42"."r0__product_click_uv",
                            "t42"."r0__enter_pv_natural",
                            "t42"."r0__enter_pv_private",
                            "t42"."r0__enter_pv_paid",
                            "t42"."r0__created_orders",
                            "t42"."r0__ad_cost_fen",
                            "t55"."_sid1",
                            "t55"."r0__watch_ms",
                            "t55"."r0__present_uv",
                            "t55"."r0__long_visits"
                          FROM (
                            SELECT
                              "t33".*
                              EXCLUDE ("_sid0")
                            FROM (
                              SELECT
                                "t18"."session_id",
                                "t18"."r0__impression_pv",
                                "t18"."r0__enter_pv",
                                "t18"."r0__comment_pv",
                                "t18"."r0__negative_pv",
                                "t18"."r0__impression_uv",
                                "t18"."r0__enter_uv",
                                "t18"."r0__comment_uv",
                                "t18"."r0__share_uv",
                                "t18"."r0__interact_uv",
                                "t18"."r0__follow_uv",
                                "t18"."r0__fans_club_uv",
                                "t18"."r0__product_impression_uv",
                                "t18"."r0__product_click_uv",
                                "t24"."_sid0",
                                "t24"."r0__enter_pv_natural",
                                "t24"."r0__enter_pv_private",
                                "t24"."r0__enter_pv_paid",
                                "t24"."r0__created_orders",
                                "t24"."r0__ad_cost_fen"
                              FROM (
                                SELECT
                                  "t11"."session_id",
                                  COALESCE(
                                    SUM("t11"."n") FILTER(WHERE
                                      (
                                        "t11"."_span" = 0
                                      ) AND (
                                        "t11"."type" = 'impression'
                                      )),
                                    0
                                  ) AS "r0__impression_pv",
                                  COALESCE(
                                    SUM("t11"."n") FILTER(WHERE
                                      (
                                        "t11"."_span" = 0
                                      ) AND (
                                        "t11"."type" = 'enter'
                                      )),
                                    0
                                  ) AS "r0__enter_pv",
                                  COALESCE(
                                    SUM("t11"."n") FILTER(WHERE
                                      (
                                        "t11"."_span" = 0
                                      ) AND (
                                        "t11"."type" = 'comment'
                                      )),
                                    0
                                  ) AS "r0__comment_pv",
                                  COALESCE(
                                    SUM("t11"."n") FILTER(WHERE
                                      (
                                        "t11"."_span" = 0
                                      ) AND (
                                        "t11"."type" = 'negative_feedback'
                                      )),
                                    0
                                  ) AS "r0__negative_pv",
                                  COUNT("t11"."user_id") FILTER(WHERE
                                    (
                                      "t11"."_span" = 0
                                    ) AND (
                                      "t11"."type" = 'impression'
                                    )) AS "r0__impression_uv",
                                  COUNT("t11"."user_id") FILTER(WHERE
                                    (
                                      "t11"."_span" = 0
                                    ) AND (
                                      "t11"."type" = 'enter'
                                    )) AS "r0__enter_uv",
                                  COUNT("t11"."user_id") FILTER(WHERE
                                    (
                                      "t11"."_span" = 0
                                    ) AND (
                                      "t11"."type" = 'comment'
                                    )) AS "r0__comment_uv",
                                  COUNT("t11"."user_id") FILTER(WHERE
                                    (
                                      "t11"."_span" = 0
                                    ) AND (
                                      "t11"."type" = 'share'
                                    )) AS "r0__share_uv",
                                  COUNT(DISTINCT "t11"."user_id") FILTER(WHERE
                                    (
                                      "t11"."_span" = 0
                                    ) AND "t11"."type" IN ('like', 'comment', 'share')) AS "r0__interact_uv",
                                  COUNT("t11"."user_id") FILTER(WHERE
                                    (
                                      "t11"."_span" = 0
                                    ) AND (
                                      "t11"."type" = 'follow'
                                    )) AS "r0__follow_uv",
                                  COUNT("t11"."user_id") FILTER(WHERE
                                    (
                                      "t11"."_span" = 0
                                    ) AND (
                                      "t11"."type" = 'fans_club_join'
                                    )) AS "r0__fans_club_uv",
                                  COUNT("t11"."user_id") FILTER(WHERE
                                    (
                                      "t11"."_span" = 0
                                    ) AND (
                                      "t11"."type" = 'product_impression'
                                    )) AS "r0__product_impression_uv",
                                  COUNT("t11"."user_id") FILTER(WHERE
                                    (
                                      "t11"."_span" = 0
                                    ) AND (
                                      "t11"."type" = 'product_click'
                                    )) AS "r0__product_click_uv"
                                FROM (
                                  SELECT
                                    "t1"."session_id",
                                    "t1"."_span",
                                    "t1"."type",
                                    "t1"."user_id",
                                    COUNT(*) AS "n"
                                  FROM (
                                    SELECT
                                      "t0"."event_id",
                                      "t0"."session_id",
                                      "t0"."ts",
                                      "t0"."type",
                                      "t0"."user_id",
                                      "t0"."source",
                                      "t0"."is_follower",
                                      "t0"."product_id",
                                      "t0"."order_id",
                                      "t0"."quantity",
                                      "t0"."amount_fen",
                                      "t0"."channel",
                                      "t0"."kind",
                                      "t0"."text",
                                      "t0"."extra",
                                      "t0"."ingested_at",
                                      0 AS "scope_start",
                                      3600000 AS "scope_end",
                                      3600000 AS "scope_as_of",
                                      0 AS "_span"
                                    FROM "live_events" AS "t0"
                                    WHERE
                                      "t0"."session_id" = 's1' AND "t0"."ts" <= 3600000
                                  ) AS "t1"
                                  GROUP BY
                                    1,
                                    2,
                                    3,
                                    4
                                ) AS "t11"
                                GROUP BY
                                  1
                              ) AS "t18"
                              LEFT OUTER JOIN (
                                SELECT
                                  "t16"."session_id" AS "_sid0",
                                  "t16"."r0__enter_pv_natural",
                                  "t16"."r0__enter_pv_private",
                                  "t16"."r0__enter_pv_paid",
                                  "t16"."r0__created_orders",
                                  "t16"."r0__ad_cost_fen"
                                FROM (
                                  SELECT
                                    "t2"."session_id",
                                    COUNT("t2"."event_id") FILTER(WHERE
                                      TRUE
                                      AND (
                                        "t2"."type" = 'enter'
                                      )
                                      AND (
                                        CASE
                                          WHEN "t2"."source" IN ('follow', 'private_share', 'profile')
                                          THEN 'private'
                                          WHEN "t2"."source" IN ('paid_fentiao', 'paid_jinniu')
                                          THEN 'paid'
                                          ELSE 'natural'
                                        END = 'natural'
                                      )) AS "r0__enter_pv_natural",
                                    COUNT("t2"."event_id") FILTER(WHERE
                                      TRUE
                                      AND (
                                        "t2"."type" = 'enter'
                                      )
                                      AND (
                                        CASE
                                          WHEN "t2"."source" IN ('follow', 'private_share', 'profile')
                                          THEN 'private'
                                          WHEN "t2"."source" IN ('paid_fentiao', 'paid_jinniu')
                                          THEN 'paid'
                                          ELSE 'natural'
                                        END = 'private'
                                      )) AS "r0__enter_pv_private",
                                    COUNT("t2"."event_id") FILTER(WHERE
                                      TRUE
                                      AND (
                                        "t2"."type" = 'enter'
                                      )
                                      AND (
                                        CASE
                                          WHEN "t2"."source" IN ('follow', 'private_share', 'profile')
                                          THEN 'private'
                                          WHEN "t2"."source" IN ('paid_fentiao', 'paid_jinniu')
                                          THEN 'paid'
                                          ELSE 'natural'
                                        END = 'paid'
                                      )) AS "r0__enter_pv_paid",
                                    COUNT(DISTINCT "t2"."order_id") FILTER(WHERE
                                      TRUE AND (
                                        "t2"."type" = 'order_created'
                                      )) AS "r0__created_orders",
                                    COALESCE(
                                      SUM("t2"."amount_fen") FILTER(WHERE
                                        TRUE AND (
                                          "t2"."type" = 'ad_spend'
                                        )),
                                      0
                                    ) AS "r0__ad_cost_fen"
                                  FROM (
                                    SELECT
                                      "t0"."event_id",
                                      "t0"."session_id",
                                      "t0"."ts",
                                      "t0"."type",
                                      "t0"."user_id",
                                      "t0"."source",
                                      "t0"."is_follower",
                                      "t0"."product_id",
                                      "t0"."order_id",
                                      "t0"."quantity",
                                      "t0"."amount_fen",
                                      "t0"."channel",
                                      "t0"."kind",
                                      "t0"."text",
                                      "t0"."extra",
                                      "t0"."ingested_at",
                                      0 AS "scope_start",
                                      3600000 AS "scope_end",
                                      3600000 AS "scope_as_of"
                                    FROM "live_events" AS "t0"
                                    WHERE
                                      "t0"."session_id" = 's1'
                                      AND "t0"."ts" <= 3600000
                                      AND "t0"."type" IN ('enter', 'order_created', 'ad_spend')
                                  ) AS "t2"
                                  GROUP BY
                                    1
                                ) AS "t16"
                              ) AS "t24"
                                ON "t18"."session_id" = "t24"."_sid0"
                            ) AS "t33"
                          ) AS "t42"
                          LEFT OUTER JOIN (
                            SELECT
                              "t50"."session_id" AS "_sid1",
                              "t50"."r0__watch_ms",
                              "t50"."r0__present_uv",
                              "t50"."r0__long_visits"
                            FROM (
                              SELECT
                                "t40"."session_id",
                                COALESCE(SUM("t40"."stop" - "t40"."a"), 0) AS "r0__watch_ms",
                                COUNT(DISTINCT "t40"."user_id") FILTER(WHERE
                                  TRUE OR (
                                    (
                                      "t40"."stop" - "t40"."a"
                                    ) > 0
                                  )) AS "r0__present_uv",
                                COUNT("t40"."a") FILTER(WHERE
                                  TRUE AND (
                                    (
                                      "t40"."stop" - "t40"."a"
                                    ) > 60000
                                  )) AS "r0__long_visits"
                              FROM (
                                SELECT
                                  "t30"."session_id",
                                  "t30"."user_id",
                                  "t30"."event_id",
                                  "t30"."scope_as_of",
                                  "t30"."a",
                                  "t30"."e",
                                  COALESCE("t30"."e", "t30"."scope_as_of") AS "stop",
                                  "t30"."e" IS NULL AS "is_open"
                                FROM "t28" AS "t30"
                              ) AS "t40"
                              GROUP BY
                                1
                            ) AS "t50"
                          ) AS "t55"
                            ON "t42"."session_id" = "t55"."_sid1"
                        ) AS "t58"
                      ) AS "t63"
                      LEFT OUTER JOIN (
                        SELECT
                          "t61"."session_id" AS "_sid2",
                          "t61"."r0__peak_online",
                          "t61"."r0__online_at_end"
                        FROM (
                          SELECT
                            "t56"."session_id",
                            GREATEST(COALESCE(MAX("t56"."online"), 0), 0) AS "r0__peak_online",
                            COALESCE(SUM("t56"."step"), 0) AS "r0__online_at_end"
                          FROM (
                            SELECT
                              "t49"."session_id",
                              "t49"."t",
                              "t49"."step",
                              SUM("t49"."step") OVER (
                                PARTITION BY "t49"."session_id"
                                ORDER BY "t49"."t" ASC
                                ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
                              ) AS "online"
                            FROM (
                              SELECT
                                "t45"."session_id",
                                "t45"."t",
                                SUM("t45"."step") AS "step"
                              FROM (
                                SELECT
                                  *
                                FROM (
                                  SELECT
                                    "t30"."session_id",
                                    "t30"."a" AS "t",
                                    1 AS "step"
                                  FROM "t28" AS "t30"
                                  WHERE
                                    (
                                      "t30"."e" IS NULL
                                    ) OR (
                                      "t30"."e" > "t30"."a"
                                    )
                                ) AS "t43"
                                UNION ALL
                                SELECT
                                  *
                                FROM (
                                  SELECT
                                    "t30"."session_id",
                                    "t30"."e" AS "t",
                                    -1 AS "step"
                                  FROM "t28" AS "t30"
                                  WHERE
                                    (
                                      (
                                        "t30"."e" IS NULL
                                      ) OR (
                                        "t30"."e" > "t30"."a"
                                      )
                                    )
                                    AND "t30"."e" IS NOT NULL
                                ) AS "t44"
                              ) AS "t45"
                              GROUP BY
                                1,
                                2
                            ) AS "t49"
                          ) AS "t56"
                          GROUP BY
                            1
                        ) AS "t61"
                      ) AS "t66"
                        ON "t63"."session_id" = "t66"."_sid2"
                    ) AS "t69"
                  ) AS "t73"
                  LEFT OUTER JOIN (
                    SELECT
                      "t31"."session_id" AS "_sid3",
                      "t31"."r0__orphan_leaves"
                    FROM (
                      SELECT
                        "t20"."session_id",
                        COUNT("t20"."event_id") FILTER(WHERE
                          TRUE) AS "r0__orphan_leaves"
                      FROM (
                        SELECT
                          *
                        FROM "t12" AS "t13"
                        WHERE
                          "t13"."type" = 'leave'
                          AND (
                            (
                              "t13"."prev_type" IS NULL
                            ) OR (
                              "t13"."prev_type" <> 'enter'
                            )
                          )
                      ) AS "t20"
                      GROUP BY
                        1
                    ) AS "t31"
                  ) AS "t41"
                    ON "t73"."session_id" = "t41"."_sid3"
                ) AS "t74"
              ) AS "t76"
              LEFT OUTER JOIN (
                SELECT
                  "t68"."session_id" AS "_sid4",
                  "t68"."r0__paid_orders",
                  "t68"."r0__pay_gmv_fen",
                  "t68"."r0__pay_items",
                  "t68"."r0__pay_uv",
                  "t68"."r0__ad_gmv_fen",
                  "t68"."r0__follower_pay_uv"
                FROM (
                  SELECT
                    "t59"."session_id",
                    COUNT("t59"."order_id") FILTER(WHERE
                      TRUE) AS "r0__paid_orders",
                    COALESCE(SUM("t59"."amount_fen") FILTER(WHERE
                      TRUE), 0) AS "r0__pay_gmv_fen",
                    COALESCE(SUM("t59"."quantity") FILTER(WHERE
                      TRUE), 0) AS "r0__pay_items",
                    COUNT(DISTINCT "t59"."buyer") FILTER(WHERE
                      TRUE) AS "r0__pay_uv",
                    COALESCE(
                      SUM("t59"."amount_fen") FILTER(WHERE
                        TRUE AND (
                          "t59"."entry_class" = 'paid'
                        )),
                      0
                    ) AS "r0__ad_gmv_fen",
                    COUNT(DISTINCT "t59"."buyer") FILTER(WHERE
                      TRUE AND (
                        "t59"."first_in_range" = 0
                      ) AND "t59"."entry_follower") AS "r0__follower_pay_uv"
                  FROM (
                    SELECT
                      "t54"."session_id",
                      "t54"."order_id",
                      "t54"."amount_fen",
                      "t54"."quantity",
                      "t54"."product_id",
                      "t54"."pay_ts",
                      "t54"."pay_id",
                      "t54"."buyer",
                      "t54"."entry_source",
                      "t54"."entry_class",
                      "t54"."entry_follower",
                      "t54"."_span",
                      ROW_NUMBER() OVER (
                        PARTITION BY "t54"."session_id", "t54"."buyer", "t54"."_span"
                        ORDER BY "t54"."pay_ts" ASC, "t54"."pay_id" ASC
                        ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
                      ) - 1 AS "first_in_range"
                    FROM (
                      SELECT
                        "t48"."session_id",
                        "t48"."order_id",
                        "t48"."amount_fen",
                        "t48"."quantity",
                        "t48"."product_id",
                        "t48"."pay_ts",
                        "t48"."pay_id",
                        "t48"."buyer",
                        "t48"."entry_source",
                        CASE
                          WHEN "t48"."entry_source" IN ('follow', 'private_share', 'profile')
                          THEN 'private'
                          WHEN "t48"."entry_source" IN ('paid_fentiao', 'paid_jinniu')
                          THEN 'paid'
                          ELSE 'natural'
                        END AS "entry_class",
                        COALESCE("t48"."entry_follower", FALSE) AS "entry_follower",
                        0 AS "_span"
                      FROM (
                        SELECT
                          "t37"."session_id",
                          "t37"."order_id",
                          "t37"."amount_fen",
                          "t37"."quantity",
                          "t37"."product_id",
                          "t37"."pay_ts",
                          "t37"."pay_id",
                          "t37"."buyer",
                          "t37"."_ts",
                          "t37"."_id",
                          "t37"."entry_source",
                          "t37"."entry_follower",
                          ROW_NUMBER() OVER (
                            PARTITION BY "t37"."session_id", "t37"."order_id"
                            ORDER BY "t37"."_ts" DESC, "t37"."_id" DESC
                            ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
                          ) - 1 AS "_pick"
                        FROM (
                          SELECT
                            "t27"."session_id",
                            "t27"."order_id",
                            "t27"."amount_fen",
                            "t27"."quantity",
                            "t27"."product_id",
                            "t27"."pay_ts",
                            "t27"."pay_id",
                            "t27"."buyer",
                            "t8"."_ts",
                            "t8"."_id",
                            "t8"."entry_source",
                            "t8"."entry_follower"
                          FROM (
                            SELECT
                              "t15"."session_id",
                              "t15"."order_id",
                              "t15"."amount_fen",
                              "t15"."quantity",
                              "t15"."product_id",
                              "t15"."ts" AS "pay_ts",
                              "t15"."event_id" AS "pay_id",
                              "t15"."user_id" AS "buyer"
                            FROM "t14" AS "t15"
                            WHERE
                              "t15"."rank" = 0
                          ) AS "t27"
                          LEFT OUTER JOIN (
                            SELECT
                              "t0"."session_id" AS "_session",
                              "t0"."user_id" AS "_user",
                              "t0"."ts" AS "_ts",
                              "t0"."event_id" AS "_id",
                              "t0"."source" AS "entry_source",
                              COALESCE("t0"."is_follower", FALSE) AS "entry_follower"
                            FROM "live_events" AS "t0"
                            WHERE
                              "t0"."session_id" = 's1' AND "t0"."ts" <= 3600000 AND "t0"."type" = 'enter'
                          ) AS "t8"
                            ON "t27"."session_id" = "t8"."_session"
                            AND "t27"."buyer" = "t8"."_user"
                            AND "t8"."_ts" <= "t27"."pay_ts"
                        ) AS "t37"
                      ) AS "t48"
                      WHERE
                        "t48"."_pick" = 0
                    ) AS "t54"
                  ) AS "t59"
                  GROUP BY
                    1
                ) AS "t68"
              ) AS "t72"
                ON "t76"."session_id" = "t72"."_sid4"
            ) AS "t77"
          ) AS "t79"
          LEFT OUTER JOIN (
            SELECT
              "t29"."session_id" AS "_sid5",
              "t29"."r0__repeated_payments"
            FROM (
              SELECT
                "t15"."session_id",
                COUNT("t15"."event_id") FILTER(WHERE
                  TRUE AND (
                    "t15"."rank" > 0
                  )) AS "r0__repeated_payments"
              FROM "t14" AS "t15"
              GROUP BY
                1
            ) AS "t29"
          ) AS "t38"
            ON "t79"."session_id" = "t38"."_sid5"
        ) AS "t80"
      ) AS "t82"
      LEFT OUTER JOIN (
        SELECT
          "t62"."session_id" AS "_sid6",
          "t62"."r0__refund_fen",
          "t62"."r0__refund_cut_fen"
        FROM (
          SELECT
            "t57"."session_id",
            COALESCE(SUM("t57"."counted") FILTER(WHERE
              TRUE), 0) AS "r0__refund_fen",
            COALESCE(SUM("t57"."amount_fen" - "t57"."counted") FILTER(WHERE
              TRUE), 0) AS "r0__refund_cut_fen"
          FROM (
            SELECT
              "t46"."session_id",
              "t46"."order_id",
              "t46"."event_id",
              "t46"."ts",
              "t46"."amount_fen",
              "t46"."_product" AS "product_id",
              CASE
                WHEN "t46"."_paid" IS NULL
                THEN 0
                ELSE LEAST("t46"."_paid", "t46"."_total") - LEAST("t46"."_paid", "t46"."_total" - "t46"."amount_fen")
              END AS "counted"
            FROM (
              SELECT
                "t36"."session_id",
                "t36"."order_id",
                "t36"."event_id",
                "t36"."ts",
                "t36"."amount_fen",
                "t36"."_paid",
                "t36"."_product",
                SUM("t36"."amount_fen") OVER (
                  PARTITION BY "t36"."session_id", "t36"."order_id"
                  ORDER BY "t36"."ts" ASC, "t36"."event_id" ASC
                  ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
                ) AS "_total"
              FROM (
                SELECT
                  "t10"."session_id",
                  "t10"."order_id",
                  "t10"."event_id",
                  "t10"."ts",
                  "t10"."amount_fen",
                  "t26"."_paid",
                  "t26"."_product"
                FROM (
                  SELECT
                    "t0"."event_id",
                    "t0"."session_id",
                    "t0"."ts",
                    "t0"."type",
                    "t0"."user_id",
                    "t0"."source",
                    "t0"."is_follower",
                    "t0"."product_id",
                    "t0"."order_id",
                    "t0"."quantity",
                    "t0"."amount_fen",
                    "t0"."channel",
                    "t0"."kind",
                    "t0"."text",
                    "t0"."extra",
                    "t0"."ingested_at",
                    0 AS "scope_start",
                    3600000 AS "scope_end",
                    3600000 AS "scope_as_of"
                  FROM "live_events" AS "t0"
                  WHERE
                    "t0"."session_id" = 's1'
                    AND "t0"."ts" <= 3600000
                    AND "t0"."type" = 'refund'
                    AND "t0"."order_id" IS NOT NULL
                ) AS "t10"
                LEFT OUTER JOIN (
                  SELECT
                    "t15"."session_id" AS "_session",
                    "t15"."order_id" AS "_order",
                    "t15"."amount_fen" AS "_paid",
                    "t15"."product_id" AS "_product"
                  FROM "t14" AS "t15"
                  WHERE
                    "t15"."rank" = 0
                ) AS "t26"
                  ON "t10"."session_id" = "t26"."_session" AND "t10"."order_id" = "t26"."_order"
              ) AS "t36"
            ) AS "t46"
          ) AS "t57"
          GROUP BY
            1
        ) AS "t62"
      ) AS "t67"
        ON "t82"."session_id" = "t67"."_sid6"
    ) AS "t83"
  ) AS "t85"
  LEFT OUTER JOIN (
    SELECT
      "t47"."session_id" AS "_sid7",
      "t47"."r0__unpaid_orders"
    FROM (
      SELECT
        "t35"."session_id",
        COUNT(DISTINCT "t35"."order_id") FILTER(WHERE
          TRUE AND NOT (
            "t35"."is_paid"
          )) AS "r0__unpaid_orders"
      FROM (
        SELECT
          "t9"."session_id",
          "t9"."order_id",
          "t9"."ts",
          "t9"."product_id",
          "t9"."event_id",
          "t25"."_order" IS NOT NULL AS "is_paid"
        FROM (
          SELECT
            "t0"."event_id",
            "t0"."session_id",
            "t0"."ts",
            "t0"."type",
            "t0"."user_id",
            "t0"."source",
            "t0"."is_follower",
            "t0"."product_id",
            "t0"."order_id",
            "t0"."quantity",
            "t0"."amount_fen",
            "t0"."channel",
            "t0"."kind",
            "t0"."text",
            "t0"."extra",
            "t0"."ingested_at",
            0 AS "scope_start",
            3600000 AS "scope_end",
            3600000 AS "scope_as_of"
          FROM "live_events" AS "t0"
          WHERE
            "t0"."session_id" = 's1'
            AND "t0"."ts" <= 3600000
            AND "t0"."type" = 'order_created'
            AND "t0"."order_id" IS NOT NULL
        ) AS "t9"
        LEFT OUTER JOIN (
          SELECT
            "t15"."session_id" AS "_session",
            "t15"."order_id" AS "_order"
          FROM "t14" AS "t15"
          WHERE
            "t15"."rank" = 0
        ) AS "t25"
          ON "t9"."session_id" = "t25"."_session" AND "t9"."order_id" = "t25"."_order"
      ) AS "t35"
      GROUP BY
        1
    ) AS "t47"
  ) AS "t52"
    ON "t85"."session_id" = "t52"."_sid7"
) AS "t86"
