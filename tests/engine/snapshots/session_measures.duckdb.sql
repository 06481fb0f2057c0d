WITH "t12" AS (
  SELECT
    "t4"."event_id",
    "t4"."session_id",
    "t4"."ts",
    "t4"."type",
    "t4"."user_id",
    "t4"."source",
    "t4"."is_follower",
    "t4"."product_id",
    "t4"."order_id",
    "t4"."quantity",
    "t4"."amount_fen",
    "t4"."channel",
    "t4"."kind",
    "t4"."text",
    "t4"."extra",
    "t4"."ingested_at",
    "t4"."scope_start",
    "t4"."scope_end",
    "t4"."scope_as_of",
    LEAD("t4"."ts") OVER (
      PARTITION BY "t4"."session_id", "t4"."user_id"
      ORDER BY "t4"."ts" ASC, "t4"."event_id" ASC
      ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
    ) AS "next_ts",
    LAG("t4"."type") OVER (
      PARTITION BY "t4"."session_id", "t4"."user_id"
      ORDER BY "t4"."ts" ASC, "t4"."event_id" ASC
      ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
    ) AS "prev_type"
  FROM (
    SELECT
      "t0"."event_id",
      's1' AS "session_id",
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
  ) AS "t4"
), "t14" AS (
  SELECT
    "t2"."event_id",
    "t2"."session_id",
    "t2"."ts",
    "t2"."type",
    "t2"."user_id",
    "t2"."source",
    "t2"."is_follower",
    "t2"."product_id",
    "t2"."order_id",
    "t2"."quantity",
    "t2"."amount_fen",
    "t2"."channel",
    "t2"."kind",
    "t2"."text",
    "t2"."extra",
    "t2"."ingested_at",
    "t2"."scope_start",
    "t2"."scope_end",
    "t2"."scope_as_of",
    ROW_NUMBER() OVER (
      PARTITION BY "t2"."session_id", "t2"."order_id"
      ORDER BY "t2"."ts" ASC, "t2"."event_id" ASC
      ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
    ) - 1 AS "rank"
  FROM (
    SELECT
      "t0"."event_id",
      's1' AS "session_id",
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
  ) AS "t2"
), "t26" AS (
  SELECT
    "t15"."session_id",
    "t15"."user_id",
    "t15"."event_id",
    "t15"."scope_as_of",
    "t15"."ts" AS "a",
    CASE
      WHEN "t15"."scope_end" IS NULL
      THEN "t15"."next_ts"
      ELSE GREATEST("t15"."ts", LEAST(COALESCE("t15"."next_ts", "t15"."scope_end"), "t15"."scope_end"))
    END AS "e"
  FROM "t12" AS "t15"
  WHERE
    "t15"."type" = 'enter'
)
SELECT
  "t87".*
  EXCLUDE ("_sid7")
FROM (
  SELECT
    "t86"."session_id",
    "t86"."r0__impression_pv",
    "t86"."r0__enter_pv",
    "t86"."r0__comment_pv",
    "t86"."r0__negative_pv",
    "t86"."r0__enter_pv_natural",
    "t86"."r0__enter_pv_private",
    "t86"."r0__enter_pv_paid",
    "t86"."r0__ad_cost_fen",
    "t86"."r0__impression_uv",
    "t86"."r0__enter_uv",
    "t86"."r0__comment_uv",
    "t86"."r0__share_uv",
    "t86"."r0__interact_uv",
    "t86"."r0__follow_uv",
    "t86"."r0__fans_club_uv",
    "t86"."r0__product_impression_uv",
    "t86"."r0__product_click_uv",
    "t86"."r0__watch_ms",
    "t86"."r0__present_uv",
    "t86"."r0__long_visits",
    "t86"."r0__peak_online",
    "t86"."r0__online_at_end",
    "t86"."r0__orphan_leaves",
    "t86"."r0__paid_orders",
    "t86"."r0__pay_gmv_fen",
    "t86"."r0__pay_items",
    "t86"."r0__pay_uv",
    "t86"."r0__ad_gmv_fen",
    "t86"."r0__follower_pay_uv",
    "t86"."r0__repeated_payments",
    "t86"."r0__refund_fen",
    "t86"."r0__refund_cut_fen",
    "t53"."_sid7",
    "t53"."r0__created_orders",
    "t53"."r0__unpaid_orders"
  FROM (
    SELECT
      "t84".*
      EXCLUDE ("_sid6")
    FROM (
      SELECT
        "t83"."session_id",
        "t83"."r0__impression_pv",
        "t83"."r0__enter_pv",
        "t83"."r0__comment_pv",
        "t83"."r0__negative_pv",
        "t83"."r0__enter_pv_natural",
        "t83"."r0__enter_pv_private",
        "t83"."r0__enter_pv_paid",
        "t83"."r0__ad_cost_fen",
        "t83"."r0__impression_uv",
        "t83"."r0__enter_uv",
        "t83"."r0__comment_uv",
        "t83"."r0__share_uv",
        "t83"."r0__interact_uv",
        "t83"."r0__follow_uv",
        "t83"."r0__fans_club_uv",
        "t83"."r0__product_impression_uv",
        "t83"."r0__product_click_uv",
        "t83"."r0__watch_ms",
        "t83"."r0__present_uv",
        "t83"."r0__long_visits",
        "t83"."r0__peak_online",
        "t83"."r0__online_at_end",
        "t83"."r0__orphan_leaves",
        "t83"."r0__paid_orders",
        "t83"."r0__pay_gmv_fen",
        "t83"."r0__pay_items",
        "t83"."r0__pay_uv",
        "t83"."r0__ad_gmv_fen",
        "t83"."r0__follower_pay_uv",
        "t83"."r0__repeated_payments",
        "t67"."_sid6",
        "t67"."r0__refund_fen",
        "t67"."r0__refund_cut_fen"
      FROM (
        SELECT
          "t81".*
          EXCLUDE ("_sid5")
        FROM (
          SELECT
            "t80"."session_id",
            "t80"."r0__impression_pv",
            "t80"."r0__enter_pv",
            "t80"."r0__comment_pv",
            "t80"."r0__negative_pv",
            "t80"."r0__enter_pv_natural",
            "t80"."r0__enter_pv_private",
            "t80"."r0__enter_pv_paid",
            "t80"."r0__ad_cost_fen",
            "t80"."r0__impression_uv",
            "t80"."r0__enter_uv",
            "t80"."r0__comment_uv",
            "t80"."r0__share_uv",
            "t80"."r0__interact_uv",
            "t80"."r0__follow_uv",
            "t80"."r0__fans_club_uv",
            "t80"."r0__product_impression_uv",
            "t80"."r0__product_click_uv",
            "t80"."r0__watch_ms",
            "t80"."r0__present_uv",
            "t80"."r0__long_visits",
            "t80"."r0__peak_online",
            "t80"."r0__online_at_end",
            "t80"."r0__orphan_leaves",
            "t80"."r0__paid_orders",
            "t80"."r0__pay_gmv_fen",
            "t80"."r0__pay_items",
            "t80"."r0__pay_uv",
            "t80"."r0__ad_gmv_fen",
            "t80"."r0__follower_pay_uv",
            "t37"."_sid5",
            "t37"."r0__repeated_payments"
          FROM (
            SELECT
              "t78".*
              EXCLUDE ("_sid4")
            FROM (
              SELECT
                "t77"."session_id",
                "t77"."r0__impression_pv",
                "t77"."r0__enter_pv",
                "t77"."r0__comment_pv",
                "t77"."r0__negative_pv",
                "t77"."r0__enter_pv_natural",
                "t77"."r0__enter_pv_private",
                "t77"."r0__enter_pv_paid",
                "t77"."r0__ad_cost_fen",
                "t77"."r0__impression_uv",
                "t77"."r0__enter_uv",
                "t77"."r0__comment_uv",
                "t77"."r0__share_uv",
                "t77"."r0__interact_uv",
                "t77"."r0__follow_uv",
                "t77"."r0__fans_club_uv",
                "t77"."r0__product_impression_uv",
                "t77"."r0__product_click_uv",
                "t77"."r0__watch_ms",
                "t77"."r0__present_uv",
                "t77"."r0__long_visits",
                "t77"."r0__peak_online",
                "t77"."r0__online_at_end",
                "t77"."r0__orphan_leaves",
                "t72"."_sid4",
                "t72"."r0__paid_orders",
                "t72"."r0__pay_gmv_fen",
                "t72"."r0__pay_items",
                "t72"."r0__pay_uv",
                "t72"."r0__ad_gmv_fen",
                "t72"."r0__follower_pay_uv"
              FROM (
                SELECT
                  "t75".*
                  EXCLUDE ("_sid3")
                FROM (
                  SELECT
                    "t74"."session_id",
                    "t74"."r0__impression_pv",
                    "t74"."r0__enter_pv",
                    "t74"."r0__comment_pv",
                    "t74"."r0__negative_pv",
                    "t74"."r0__enter_pv_natural",
                    "t74"."r0__enter_pv_private",
                    "t74"."r0__enter_pv_paid",
                    "t74"."r0__ad_cost_fen",
                    "t74"."r0__impression_uv",
                    "t74"."r0__enter_uv",
                    "t74"."r0__comment_uv",
                    "t74"."r0__share_uv",
                    "t74"."r0__interact_uv",
                    "t74"."r0__follow_uv",
                    "t74"."r0__fans_club_uv",
                    "t74"."r0__product_impression_uv",
                    "t74"."r0__product_click_uv",
                    "t74"."r0__watch_ms",
                    "t74"."r0__present_uv",
                    "t74"."r0__long_visits",
                    "t74"."r0__peak_online",
                    "t74"."r0__online_at_end",
                    "t40"."_sid3",
                    "t40"."r0__orphan_leaves"
                  FROM (
                    SELECT
                      "t71".*
                      EXCLUDE ("_sid2")
                    FROM (
                      SELECT
                        "t64"."session_id",
                        "t64"."r0__impression_pv",
                        "t64"."r0__enter_pv",
                        "t64"."r0__comment_pv",
                        "t64"."r0__negative_pv",
                        "t64"."r0__enter_pv_natural",
                        "t64"."r0__enter_pv_private",
                        "t64"."r0__enter_pv_paid",
                        "t64"."r0__ad_cost_fen",
                        "t64"."r0__impression_uv",
                        "t64"."r0__enter_uv",
                        "t64"."r0__comment_uv",
                        "t64"."r0__share_uv",
                        "t64"."r0__interact_uv",
                        "t64"."r0__follow_uv",
                        "t64"."r0__fans_club_uv",
                        "t64"."r0__product_impression_uv",
                        "t64"."r0__product_click_uv",
                        "t64"."r0__watch_ms",
                        "t64"."r0__present_uv",
                        "t64"."r0__long_visits",
                        "t68"."_sid2",
                        "t68"."r0__peak_online",
                        "t68"."r0__online_at_end"
                      FROM (
                        SELECT
                          "t60".*
                          EXCLUDE ("_sid1")
                        FROM (
                          SELECT
                            "t49"."session_id",
                            "t49"."r0__impression_pv",
                            "t49"."r0__enter_pv",
                            "t49"."r0__comment_pv",
                            "t49"."r0__negative_pv",
                            "t49"."r0__enter_pv_natural",
                            "t49"."r0__enter_pv_private",
                            "t49"."r0__enter_pv_paid",
                            "t49"."r0__ad_cost_fen",
                            "t49"."r0__impression_uv",
                            "t49"."r0__enter_uv",
                            "t49"."r0__comment_uv",
                            "t49"."r0__share_uv",
                            "t49"."r0__interact_uv",
                            "t49"."r0__follow_uv",
                            "t49"."r0__fans_club_uv",
                            "t49"."r0__product_impression_uv",
                            "t49"."r0__product_click_uv",
                            "t57"."_sid1",
                            "t57"."r0__watch_ms",
                            "t57"."r0__present_uv",
                            "t57"."r0__long_visits"
                          FROM (
                            SELECT
                              "t44".*
                              EXCLUDE ("_sid0")
                            FROM (
                              SELECT
                                "t30"."session_id",
                                "t30"."r0__impression_pv",
                                "t30"."r0__enter_pv",
                                "t30"."r0__comment_pv",
                                "t30"."r0__negative_pv",
                                "t30"."r0__enter_pv_natural",
                                "t30"."r0__enter_pv_private",
                                "t30"."r0__enter_pv_paid",
                                "t30"."r0__ad_cost_fen",
                                "t33"."_sid0",
                                "t33"."r0__impression_uv",
                                "t33"."r0__enter_uv",
                                "t33"."r0__comment_uv",
                                "t33"."r0__share_uv",
                                "t33"."r0__interact_uv",
                                "t33"."r0__follow_uv",
                                "t33"."r0__fans_club_uv",
                                "t33"."r0__product_impression_uv",
                                "t33"."r0__product_click_uv"
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
                                  COALESCE(
                                    SUM("t11"."n") FILTER(WHERE
                                      (
                                        "t11"."_span" = 0
                                      )
                                      AND (
                                        "t11"."type" = 'enter'
                                      )
                                      AND (
                                        CASE
                                          WHEN "t11"."source" IN ('follow', 'private_share', 'profile')
                                          THEN 'private'
                                          WHEN "t11"."source" IN ('paid_fentiao', 'paid_jinniu')
                                          THEN 'paid'
                                          ELSE 'natural'
                                        END = 'natural'
                                      )),
                                    0
                                  ) AS "r0__enter_pv_natural",
                                  COALESCE(
                                    SUM("t11"."n") FILTER(WHERE
                                      (
                                        "t11"."_span" = 0
                                      )
                                      AND (
                                        "t11"."type" = 'enter'
                                      )
                                      AND (
                                        CASE
                                          WHEN "t11"."source" IN ('follow', 'private_share', 'profile')
                                          THEN 'private'
                                          WHEN "t11"."source" IN ('paid_fentiao', 'paid_jinniu')
                                          THEN 'paid'
                                          ELSE 'natural'
                                        END = 'private'
                                      )),
                                    0
                                  ) AS "r0__enter_pv_private",
                                  COALESCE(
                                    SUM("t11"."n") FILTER(WHERE
                                      (
                                        "t11"."_span" = 0
                                      )
                                      AND (
                                        "t11"."type" = 'enter'
                                      )
                                      AND (
                                        CASE
                                          WHEN "t11"."source" IN ('follow', 'private_share', 'profile')
                                          THEN 'private'
                                          WHEN "t11"."source" IN ('paid_fentiao', 'paid_jinniu')
                                          THEN 'paid'
                                          ELSE 'natural'
                                        END = 'paid'
                                      )),
                                    0
                                  ) AS "r0__enter_pv_paid",
                                  COALESCE(
                                    SUM("t11"."amount") FILTER(WHERE
                                      (
                                        "t11"."_span" = 0
                                      ) AND (
                                        "t11"."type" = 'ad_spend'
                                      )),
                                    0
                                  ) AS "r0__ad_cost_fen"
                                FROM (
                                  SELECT
                                    "t6"."session_id",
                                    "t6"."_span",
                                    "t6"."type",
                                    "t6"."source",
                                    COUNT(*) AS "n",
                                    SUM("t6"."amount_fen") AS "amount"
                                  FROM (
                                    SELECT
                                      's1' AS "session_id",
                                      "t0"."type",
                                      "t0"."source",
                                      "t0"."amount_fen",
                                      0 AS "_span"
                                    FROM "live_events" AS "t0"
                                    WHERE
                                      "t0"."session_id" = 's1' AND "t0"."ts" <= 3600000
                                  ) AS "t6"
                                  GROUP BY
                                    1,
                                    2,
                                    3,
                                    4
                                ) AS "t11"
                                GROUP BY
                                  1
                              ) AS "t30"
                              LEFT OUTER JOIN (
                                SELECT
                                  "t24"."session_id" AS "_sid0",
                                  "t24"."r0__impression_uv",
                                  "t24"."r0__enter_uv",
                                  "t24"."r0__comment_uv",
                                  "t24"."r0__share_uv",
                                  "t24"."r0__interact_uv",
                                  "t24"."r0__follow_uv",
                                  "t24"."r0__fans_club_uv",
                                  "t24"."r0__product_impression_uv",
                                  "t24"."r0__product_click_uv"
                                FROM (
                                  SELECT
                                    "t13"."session_id",
                                    COUNT("t13"."user_id") FILTER(WHERE
                                      (
                                        "t13"."_span" = 0
                                      ) AND (
                                        (
                                          "t13"."kinds" & 16
                                        ) <> 0
                                      )) AS "r0__impression_uv",
                                    COUNT("t13"."user_id") FILTER(WHERE
                                      (
                                        "t13"."_span" = 0
                                      ) AND (
                                        (
                                          "t13"."kinds" & 2
                                        ) <> 0
                                      )) AS "r0__enter_uv",
                                    COUNT("t13"."user_id") FILTER(WHERE
                                      (
                                        "t13"."_span" = 0
                                      ) AND (
                                        (
                                          "t13"."kinds" & 1
                                        ) <> 0
                                      )) AS "r0__comment_uv",
                                    COUNT("t13"."user_id") FILTER(WHERE
                                      (
                                        "t13"."_span" = 0
                                      ) AND (
                                        (
                                          "t13"."kinds" & 256
                                        ) <> 0
                                      )) AS "r0__share_uv",
                                    COUNT("t13"."user_id") FILTER(WHERE
                                      (
                                        "t13"."_span" = 0
                                      ) AND (
                                        (
                                          "t13"."kinds" & 289
                                        ) <> 0
                                      )) AS "r0__interact_uv",
                                    COUNT("t13"."user_id") FILTER(WHERE
                                      (
                                        "t13"."_span" = 0
                                      ) AND (
                                        (
                                          "t13"."kinds" & 8
                                        ) <> 0
                                      )) AS "r0__follow_uv",
                                    COUNT("t13"."user_id") FILTER(WHERE
                                      (
                                        "t13"."_span" = 0
                                      ) AND (
                                        (
                                          "t13"."kinds" & 4
                                        ) <> 0
                                      )) AS "r0__fans_club_uv",
                                    COUNT("t13"."user_id") FILTER(WHERE
                                      (
                                        "t13"."_span" = 0
                                      ) AND (
                                        (
                                          "t13"."kinds" & 128
                                        ) <> 0
                                      )) AS "r0__product_impression_uv",
                                    COUNT("t13"."user_id") FILTER(WHERE
                                      (
                                        "t13"."_span" = 0
                                      ) AND (
                                        (
                                          "t13"."kinds" & 64
                                        ) <> 0
                                      )) AS "r0__product_click_uv"
                                  FROM (
                                    SELECT
                                      "t7"."session_id",
                                      "t7"."_span",
                                      "t7"."user_id",
                                      BIT_OR(CAST("t7"."_bit" AS BIGINT)) AS "kinds"
                                    FROM (
                                      SELECT
                                        's1' AS "session_id",
                                        "t0"."user_id",
                                        0 AS "_span",
                                        CASE
                                          WHEN "t0"."type" = 'comment'
                                          THEN 1
                                          WHEN "t0"."type" = 'enter'
                                          THEN 2
                                          WHEN "t0"."type" = 'fans_club_join'
                                          THEN 4
                                          WHEN "t0"."type" = 'follow'
                                          THEN 8
                                          WHEN "t0"."type" = 'impression'
                                          THEN 16
                                          WHEN "t0"."type" = 'like'
                                          THEN 32
                                          WHEN "t0"."type" = 'product_click'
                                          THEN 64
                                          WHEN "t0"."type" = 'product_impression'
                                          THEN 128
                                          WHEN "t0"."type" = 'share'
                                          THEN 256
                                          ELSE 0
                                        END AS "_bit"
                                      FROM "live_events" AS "t0"
                                      WHERE
                                        "t0"."session_id" = 's1' AND "t0"."ts" <= 3600000
                                    ) AS "t7"
                                    GROUP BY
                                      1,
                                      2,
                                      3
                                  ) AS "t13"
                                  GROUP BY
                                    1
                                ) AS "t24"
                              ) AS "t33"
                                ON "t30"."session_id" = "t33"."_sid0"
                            ) AS "t44"
                          ) AS "t49"
                          LEFT OUTER JOIN (
                            SELECT
                              "t52"."session_id" AS "_sid1",
                              "t52"."r0__watch_ms",
                              "t52"."r0__present_uv",
                              "t52"."r0__long_visits"
                            FROM (
                              SELECT
                                "t39"."session_id",
                                COALESCE(SUM("t39"."stop" - "t39"."a"), 0) AS "r0__watch_ms",
                                COUNT(DISTINCT "t39"."user_id") FILTER(WHERE
                                  TRUE OR (
                                    (
                                      "t39"."stop" - "t39"."a"
                                    ) > 0
                                  )) AS "r0__present_uv",
                                COUNT("t39"."a") FILTER(WHERE
                                  TRUE AND (
                                    (
                                      "t39"."stop" - "t39"."a"
                                    ) > 60000
                                  )) AS "r0__long_visits"
                              FROM (
                                SELECT
                                  "t28"."session_id",
                                  "t28"."user_id",
                                  "t28"."event_id",
                                  "t28"."scope_as_of",
                                  "t28"."a",
                                  "t28"."e",
                                  COALESCE("t28"."e", "t28"."scope_as_of") AS "stop",
                                  "t28"."e" IS NULL AS "is_open"
                                FROM "t26" AS "t28"
                              ) AS "t39"
                              GROUP BY
                                1
                            ) AS "t52"
                          ) AS "t57"
                            ON "t49"."session_id" = "t57"."_sid1"
                        ) AS "t60"
                      ) AS "t64"
                      LEFT OUTER JOIN (
                        SELECT
                          "t63"."session_id" AS "_sid2",
                          "t63"."r0__peak_online",
                          "t63"."r0__online_at_end"
                        FROM (
                          SELECT
                            "t58"."session_id",
                            GREATEST(COALESCE(MAX("t58"."online"), 0), 0) AS "r0__peak_online",
                            COALESCE(SUM("t58"."step"), 0) AS "r0__online_at_end"
                          FROM (
                            SELECT
                              "t50"."session_id",
                              "t50"."t",
                              "t50"."step",
                              SUM("t50"."step") OVER (
                                PARTITION BY "t50"."session_id"
                                ORDER BY "t50"."t" ASC
                                ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
                              ) AS "online"
                            FROM (
                              SELECT
                                "t43"."session_id",
                                "t43"."t",
                                SUM("t43"."step") AS "step"
                              FROM (
                                SELECT
                                  *
                                FROM (
                                  SELECT
                                    "t28"."session_id",
                                    "t28"."a" AS "t",
                                    1 AS "step"
                                  FROM "t26" AS "t28"
                                  WHERE
                                    (
                                      "t28"."e" IS NULL
                                    ) OR (
                                      "t28"."e" > "t28"."a"
                                    )
                                ) AS "t41"
                                UNION ALL
                                SELECT
                                  *
                                FROM (
                                  SELECT
                                    "t28"."session_id",
                                    "t28"."e" AS "t",
                                    -1 AS "step"
                                  FROM "t26" AS "t28"
                                  WHERE
                                    (
                                      (
                                        "t28"."e" IS NULL
                                      ) OR (
                                        "t28"."e" > "t28"."a"
                                      )
                                    )
                                    AND "t28"."e" IS NOT NULL
                                ) AS "t42"
                              ) AS "t43"
                              GROUP BY
                                1,
                                2
                            ) AS "t50"
                          ) AS "t58"
                          GROUP BY
                            1
                        ) AS "t63"
                      ) AS "t68"
                        ON "t64"."session_id" = "t68"."_sid2"
                    ) AS "t71"
                  ) AS "t74"
                  LEFT OUTER JOIN (
                    SELECT
                      "t29"."session_id" AS "_sid3",
                      "t29"."r0__orphan_leaves"
                    FROM (
                      SELECT
                        "t20"."session_id",
                        COUNT("t20"."event_id") FILTER(WHERE
                          TRUE) AS "r0__orphan_leaves"
                      FROM (
                        SELECT
                          *
                        FROM "t12" AS "t15"
                        WHERE
                          "t15"."type" = 'leave'
                          AND (
                            (
                              "t15"."prev_type" IS NULL
                            ) OR (
                              "t15"."prev_type" <> 'enter'
                            )
                          )
                      ) AS "t20"
                      GROUP BY
                        1
                    ) AS "t29"
                  ) AS "t40"
                    ON "t74"."session_id" = "t40"."_sid3"
                ) AS "t75"
              ) AS "t77"
              LEFT OUTER JOIN (
                SELECT
                  "t69"."session_id" AS "_sid4",
                  "t69"."r0__paid_orders",
                  "t69"."r0__pay_gmv_fen",
                  "t69"."r0__pay_items",
                  "t69"."r0__pay_uv",
                  "t69"."r0__ad_gmv_fen",
                  "t69"."r0__follower_pay_uv"
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
                          "t36"."session_id",
                          "t36"."order_id",
                          "t36"."amount_fen",
                          "t36"."quantity",
                          "t36"."product_id",
                          "t36"."pay_ts",
                          "t36"."pay_id",
                          "t36"."buyer",
                          "t36"."_ts",
                          "t36"."_id",
                          "t36"."entry_source",
                          "t36"."entry_follower",
                          ROW_NUMBER() OVER (
                            PARTITION BY "t36"."session_id", "t36"."order_id"
                            ORDER BY "t36"."_ts" DESC, "t36"."_id" DESC
                            ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
                          ) - 1 AS "_pick"
                        FROM (
                          SELECT
                            "t23"."session_id",
                            "t23"."order_id",
                            "t23"."amount_fen",
                            "t23"."quantity",
                            "t23"."product_id",
                            "t23"."pay_ts",
                            "t23"."pay_id",
                            "t23"."buyer",
                            "t10"."_ts",
                            "t10"."_id",
                            "t10"."entry_source",
                            "t10"."entry_follower"
                          FROM (
                            SELECT
                              "t16"."session_id",
                              "t16"."order_id",
                              "t16"."amount_fen",
                              "t16"."quantity",
                              "t16"."product_id",
                              "t16"."ts" AS "pay_ts",
                              "t16"."event_id" AS "pay_id",
                              "t16"."user_id" AS "buyer"
                            FROM "t14" AS "t16"
                            WHERE
                              "t16"."rank" = 0
                          ) AS "t23"
                          LEFT OUTER JOIN (
                            SELECT
                              's1' AS "_session",
                              "t0"."user_id" AS "_user",
                              "t0"."ts" AS "_ts",
                              "t0"."event_id" AS "_id",
                              "t0"."source" AS "entry_source",
                              COALESCE("t0"."is_follower", FALSE) AS "entry_follower"
                            FROM "live_events" AS "t0"
                            WHERE
                              "t0"."session_id" = 's1' AND "t0"."ts" <= 3600000 AND "t0"."type" = 'enter'
                          ) AS "t10"
                            ON "t23"."session_id" = "t10"."_session"
                            AND "t23"."buyer" = "t10"."_user"
                            AND "t10"."_ts" <= "t23"."pay_ts"
                        ) AS "t36"
                      ) AS "t48"
                      WHERE
                        "t48"."_pick" = 0
                    ) AS "t54"
                  ) AS "t59"
                  GROUP BY
                    1
                ) AS "t69"
              ) AS "t72"
                ON "t77"."session_id" = "t72"."_sid4"
            ) AS "t78"
          ) AS "t80"
          LEFT OUTER JOIN (
            SELECT
              "t25"."session_id" AS "_sid5",
              "t25"."r0__repeated_payments"
            FROM (
              SELECT
                "t16"."session_id",
                COUNT("t16"."event_id") FILTER(WHERE
                  TRUE AND (
                    "t16"."rank" > 0
                  )) AS "r0__repeated_payments"
              FROM "t14" AS "t16"
              GROUP BY
                1
            ) AS "t25"
          ) AS "t37"
            ON "t80"."session_id" = "t37"."_sid5"
        ) AS "t81"
      ) AS "t83"
      LEFT OUTER JOIN (
        SELECT
          "t61"."session_id" AS "_sid6",
          "t61"."r0__refund_fen",
          "t61"."r0__refund_cut_fen"
        FROM (
          SELECT
            "t56"."session_id",
            COALESCE(SUM("t56"."counted") FILTER(WHERE
              TRUE), 0) AS "r0__refund_fen",
            COALESCE(SUM("t56"."amount_fen" - "t56"."counted") FILTER(WHERE
              TRUE), 0) AS "r0__refund_cut_fen"
          FROM (
            SELECT
              "t45"."session_id",
              "t45"."order_id",
              "t45"."event_id",
              "t45"."ts",
              "t45"."amount_fen",
              "t45"."_product" AS "product_id",
              CASE
                WHEN "t45"."_paid" IS NULL
                THEN 0
                ELSE LEAST("t45"."_paid", "t45"."_total") - LEAST("t45"."_paid", "t45"."_total" - "t45"."amount_fen")
              END AS "counted"
            FROM (
              SELECT
                "t35"."session_id",
                "t35"."order_id",
                "t35"."event_id",
                "t35"."ts",
                "t35"."amount_fen",
                "t35"."_paid",
                "t35"."_product",
                SUM("t35"."amount_fen") OVER (
                  PARTITION BY "t35"."session_id", "t35"."order_id"
                  ORDER BY "t35"."ts" ASC, "t35"."event_id" ASC
                  ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
                ) AS "_total"
              FROM (
                SELECT
                  "t9"."session_id",
                  "t9"."order_id",
                  "t9"."event_id",
                  "t9"."ts",
                  "t9"."amount_fen",
                  "t22"."_paid",
                  "t22"."_product"
                FROM (
                  SELECT
                    "t0"."event_id",
                    's1' AS "session_id",
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
                ) AS "t9"
                LEFT OUTER JOIN (
                  SELECT
                    "t16"."session_id" AS "_session",
                    "t16"."order_id" AS "_order",
                    "t16"."amount_fen" AS "_paid",
                    "t16"."product_id" AS "_product"
                  FROM "t14" AS "t16"
                  WHERE
                    "t16"."rank" = 0
                ) AS "t22"
                  ON "t9"."session_id" = "t22"."_session" AND "t9"."order_id" = "t22"."_order"
              ) AS "t35"
            ) AS "t45"
          ) AS "t56"
          GROUP BY
            1
        ) AS "t61"
      ) AS "t67"
        ON "t83"."session_id" = "t67"."_sid6"
    ) AS "t84"
  ) AS "t86"
  LEFT OUTER JOIN (
    SELECT
      "t47"."session_id" AS "_sid7",
      "t47"."r0__created_orders",
      "t47"."r0__unpaid_orders"
    FROM (
      SELECT
        "t34"."session_id",
        COUNT(DISTINCT "t34"."order_id") FILTER(WHERE
          TRUE) AS "r0__created_orders",
        COUNT(DISTINCT "t34"."order_id") FILTER(WHERE
          TRUE AND NOT (
            "t34"."is_paid"
          )) AS "r0__unpaid_orders"
      FROM (
        SELECT
          "t8"."session_id",
          "t8"."order_id",
          "t8"."ts",
          "t8"."product_id",
          "t8"."event_id",
          "t21"."_order" IS NOT NULL AS "is_paid"
        FROM (
          SELECT
            "t0"."event_id",
            's1' AS "session_id",
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
        ) AS "t8"
        LEFT OUTER JOIN (
          SELECT
            "t16"."session_id" AS "_session",
            "t16"."order_id" AS "_order"
          FROM "t14" AS "t16"
          WHERE
            "t16"."rank" = 0
        ) AS "t21"
          ON "t8"."session_id" = "t21"."_session" AND "t8"."order_id" = "t21"."_order"
      ) AS "t34"
      GROUP BY
        1
    ) AS "t47"
  ) AS "t53"
    ON "t86"."session_id" = "t53"."_sid7"
) AS "t87"
