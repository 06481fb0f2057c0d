WITH "sparse_events" AS (
  SELECT
    's1' AS "session_id",
    "t0"."event_id",
    "t0"."ts",
    "t0"."type",
    "t0"."user_id",
    "t0"."source",
    "t0"."is_follower",
    "t0"."product_id",
    "t0"."order_id",
    "t0"."quantity",
    "t0"."amount_fen",
    "t0"."kind",
    "t0"."text",
    0 AS "scope_start",
    3600000 AS "scope_end",
    3600000 AS "scope_as_of"
  FROM "live_events" AS "t0"
  WHERE
    "t0"."session_id" = 's1'
    AND "t0"."ts" <= 3600000
    AND NOT (
      "t0"."type" IN ('impression', 'like', 'product_impression')
    )
), "t17" AS (
  SELECT
    "t6"."session_id",
    "t6"."event_id",
    "t6"."ts",
    "t6"."type",
    "t6"."user_id",
    "t6"."source",
    "t6"."is_follower",
    "t6"."product_id",
    "t6"."order_id",
    "t6"."quantity",
    "t6"."amount_fen",
    "t6"."kind",
    "t6"."text",
    "t6"."scope_start",
    "t6"."scope_end",
    "t6"."scope_as_of",
    LEAD("t6"."ts") OVER (
      PARTITION BY "t6"."user_id"
      ORDER BY "t6"."ts" ASC, "t6"."event_id" ASC
      ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
    ) AS "next_ts",
    LAG("t6"."type") OVER (
      PARTITION BY "t6"."user_id"
      ORDER BY "t6"."ts" ASC, "t6"."event_id" ASC
      ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
    ) AS "prev_type"
  FROM (
    SELECT
      *
    FROM "sparse_events" AS "t3"
    WHERE
      "t3"."type" IN ('enter', 'leave') AND "t3"."user_id" IS NOT NULL
  ) AS "t6"
), "t20" AS (
  SELECT
    "t9"."session_id",
    "t9"."event_id",
    "t9"."ts",
    "t9"."type",
    "t9"."user_id",
    "t9"."source",
    "t9"."is_follower",
    "t9"."product_id",
    "t9"."order_id",
    "t9"."quantity",
    "t9"."amount_fen",
    "t9"."kind",
    "t9"."text",
    "t9"."scope_start",
    "t9"."scope_end",
    "t9"."scope_as_of",
    ROW_NUMBER() OVER (
      PARTITION BY "t9"."order_id"
      ORDER BY "t9"."ts" ASC, "t9"."event_id" ASC
      ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
    ) - 1 AS "rank"
  FROM (
    SELECT
      *
    FROM "sparse_events" AS "t3"
    WHERE
      "t3"."type" = 'order_paid' AND "t3"."order_id" IS NOT NULL
  ) AS "t9"
), "t35" AS (
  SELECT
    "t19"."session_id",
    "t19"."user_id",
    "t19"."event_id",
    "t19"."scope_as_of",
    "t19"."ts" AS "a",
    CASE
      WHEN "t19"."scope_end" IS NULL
      THEN "t19"."next_ts"
      ELSE GREATEST("t19"."ts", LEAST(COALESCE("t19"."next_ts", "t19"."scope_end"), "t19"."scope_end"))
    END AS "e"
  FROM "t17" AS "t19"
  WHERE
    "t19"."type" = 'enter'
)
SELECT
  "t96".*
  EXCLUDE ("_sid8")
FROM (
  SELECT
    "t95"."session_id",
    "t95"."r0__impression_pv",
    "t95"."r0__enter_pv",
    "t95"."r0__comment_pv",
    "t95"."r0__negative_pv",
    "t95"."r0__ad_cost_fen",
    "t95"."r0__impression_uv",
    "t95"."r0__enter_uv",
    "t95"."r0__comment_uv",
    "t95"."r0__share_uv",
    "t95"."r0__interact_uv",
    "t95"."r0__follow_uv",
    "t95"."r0__fans_club_uv",
    "t95"."r0__product_impression_uv",
    "t95"."r0__product_click_uv",
    "t95"."r0__enter_pv_natural",
    "t95"."r0__enter_pv_private",
    "t95"."r0__enter_pv_paid",
    "t95"."r0__watch_ms",
    "t95"."r0__present_uv",
    "t95"."r0__long_visits",
    "t95"."r0__peak_online",
    "t95"."r0__online_at_end",
    "t95"."r0__orphan_leaves",
    "t95"."r0__paid_orders",
    "t95"."r0__pay_gmv_fen",
    "t95"."r0__pay_items",
    "t95"."r0__pay_uv",
    "t95"."r0__ad_gmv_fen",
    "t95"."r0__follower_pay_uv",
    "t95"."r0__repeated_payments",
    "t95"."r0__refund_fen",
    "t95"."r0__refund_cut_fen",
    "t62"."_sid8",
    "t62"."r0__created_orders",
    "t62"."r0__unpaid_orders"
  FROM (
    SELECT
      "t93".*
      EXCLUDE ("_sid7")
    FROM (
      SELECT
        "t92"."session_id",
        "t92"."r0__impression_pv",
        "t92"."r0__enter_pv",
        "t92"."r0__comment_pv",
        "t92"."r0__negative_pv",
        "t92"."r0__ad_cost_fen",
        "t92"."r0__impression_uv",
        "t92"."r0__enter_uv",
        "t92"."r0__comment_uv",
        "t92"."r0__share_uv",
        "t92"."r0__interact_uv",
        "t92"."r0__follow_uv",
        "t92"."r0__fans_club_uv",
        "t92"."r0__product_impression_uv",
        "t92"."r0__product_click_uv",
        "t92"."r0__enter_pv_natural",
        "t92"."r0__enter_pv_private",
        "t92"."r0__enter_pv_paid",
        "t92"."r0__watch_ms",
        "t92"."r0__present_uv",
        "t92"."r0__long_visits",
        "t92"."r0__peak_online",
        "t92"."r0__online_at_end",
        "t92"."r0__orphan_leaves",
        "t92"."r0__paid_orders",
        "t92"."r0__pay_gmv_fen",
        "t92"."r0__pay_items",
        "t92"."r0__pay_uv",
        "t92"."r0__ad_gmv_fen",
        "t92"."r0__follower_pay_uv",
        "t92"."r0__repeated_payments",
        "t77"."_sid7",
        "t77"."r0__refund_fen",
        "t77"."r0__refund_cut_fen"
      FROM (
        SELECT
          "t90".*
          EXCLUDE ("_sid6")
        FROM (
          SELECT
            "t89"."session_id",
            "t89"."r0__impression_pv",
            "t89"."r0__enter_pv",
            "t89"."r0__comment_pv",
            "t89"."r0__negative_pv",
            "t89"."r0__ad_cost_fen",
            "t89"."r0__impression_uv",
            "t89"."r0__enter_uv",
            "t89"."r0__comment_uv",
            "t89"."r0__share_uv",
            "t89"."r0__interact_uv",
            "t89"."r0__follow_uv",
            "t89"."r0__fans_club_uv",
            "t89"."r0__product_impression_uv",
            "t89"."r0__product_click_uv",
            "t89"."r0__enter_pv_natural",
            "t89"."r0__enter_pv_private",
            "t89"."r0__enter_pv_paid",
            "t89"."r0__watch_ms",
            "t89"."r0__present_uv",
            "t89"."r0__long_visits",
            "t89"."r0__peak_online",
            "t89"."r0__online_at_end",
            "t89"."r0__orphan_leaves",
            "t89"."r0__paid_orders",
            "t89"."r0__pay_gmv_fen",
            "t89"."r0__pay_items",
            "t89"."r0__pay_uv",
            "t89"."r0__ad_gmv_fen",
            "t89"."r0__follower_pay_uv",
            "t45"."_sid6",
            "t45"."r0__repeated_payments"
          FROM (
            SELECT
              "t87".*
              EXCLUDE ("_sid5")
            FROM (
              SELECT
                "t86"."session_id",
                "t86"."r0__impression_pv",
                "t86"."r0__enter_pv",
                "t86"."r0__comment_pv",
                "t86"."r0__negative_pv",
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
                "t86"."r0__enter_pv_natural",
                "t86"."r0__enter_pv_private",
                "t86"."r0__enter_pv_paid",
                "t86"."r0__watch_ms",
                "t86"."r0__present_uv",
                "t86"."r0__long_visits",
                "t86"."r0__peak_online",
                "t86"."r0__online_at_end",
                "t86"."r0__orphan_leaves",
                "t82"."_sid5",
                "t82"."r0__paid_orders",
                "t82"."r0__pay_gmv_fen",
                "t82"."r0__pay_items",
                "t82"."r0__pay_uv",
                "t82"."r0__ad_gmv_fen",
                "t82"."r0__follower_pay_uv"
              FROM (
                SELECT
                  "t84".*
                  EXCLUDE ("_sid4")
                FROM (
                  SELECT
                    "t83"."session_id",
                    "t83"."r0__impression_pv",
                    "t83"."r0__enter_pv",
                    "t83"."r0__comment_pv",
                    "t83"."r0__negative_pv",
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
                    "t83"."r0__enter_pv_natural",
                    "t83"."r0__enter_pv_private",
                    "t83"."r0__enter_pv_paid",
                    "t83"."r0__watch_ms",
                    "t83"."r0__present_uv",
                    "t83"."r0__long_visits",
                    "t83"."r0__peak_online",
                    "t83"."r0__online_at_end",
                    "t48"."_sid4",
                    "t48"."r0__orphan_leaves"
                  FROM (
                    SELECT
                      "t79".*
                      EXCLUDE ("_sid3")
                    FROM (
                      SELECT
                        "t73"."session_id",
                        "t73"."r0__impression_pv",
                        "t73"."r0__enter_pv",
                        "t73"."r0__comment_pv",
                        "t73"."r0__negative_pv",
                        "t73"."r0__ad_cost_fen",
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
                        "t73"."r0__watch_ms",
                        "t73"."r0__present_uv",
                        "t73"."r0__long_visits",
                        "t76"."_sid3",
                        "t76"."r0__peak_online",
                        "t76"."r0__online_at_end"
                      FROM (
                        SELECT
                          "t68".*
                          EXCLUDE ("_sid2")
                        FROM (
                          SELECT
                            "t61"."session_id",
                            "t61"."r0__impression_pv",
                            "t61"."r0__enter_pv",
                            "t61"."r0__comment_pv",
                            "t61"."r0__negative_pv",
                            "t61"."r0__ad_cost_fen",
                            "t61"."r0__impression_uv",
                            "t61"."r0__enter_uv",
                            "t61"."r0__comment_uv",
                            "t61"."r0__share_uv",
                            "t61"."r0__interact_uv",
                            "t61"."r0__follow_uv",
                            "t61"."r0__fans_club_uv",
                            "t61"."r0__product_impression_uv",
                            "t61"."r0__product_click_uv",
                            "t61"."r0__enter_pv_natural",
                            "t61"."r0__enter_pv_private",
                            "t61"."r0__enter_pv_paid",
                            "t65"."_sid2",
                            "t65"."r0__watch_ms",
                            "t65"."r0__present_uv",
                            "t65"."r0__long_visits"
                          FROM (
                            SELECT
                              "t56".*
                              EXCLUDE ("_sid1")
                            FROM (
                              SELECT
                                "t49"."session_id",
                                "t49"."r0__impression_pv",
                                "t49"."r0__enter_pv",
                                "t49"."r0__comment_pv",
                                "t49"."r0__negative_pv",
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
                                "t31"."_sid1",
                                "t31"."r0__enter_pv_natural",
                                "t31"."r0__enter_pv_private",
                                "t31"."r0__enter_pv_paid"
                              FROM (
                                SELECT
                                  "t40".*
                                  EXCLUDE ("_sid0")
                                FROM (
                                  SELECT
                                    "t18"."session_id",
                                    "t18"."r0__impression_pv",
                                    "t18"."r0__enter_pv",
                                    "t18"."r0__comment_pv",
                                    "t18"."r0__negative_pv",
                                    "t18"."r0__ad_cost_fen",
                                    "t30"."_sid0",
                                    "t30"."r0__impression_uv",
                                    "t30"."r0__enter_uv",
                                    "t30"."r0__comment_uv",
                                    "t30"."r0__share_uv",
                                    "t30"."r0__interact_uv",
                                    "t30"."r0__follow_uv",
                                    "t30"."r0__fans_club_uv",
                                    "t30"."r0__product_impression_uv",
                                    "t30"."r0__product_click_uv"
                                  FROM (
                                    SELECT
                                      "t5"."session_id",
                                      COALESCE(
                                        SUM("t5"."n") FILTER(WHERE
                                          (
                                            "t5"."_span" = 0
                                          ) AND (
                                            "t5"."type" = 'impression'
                                          )),
                                        0
                                      ) AS "r0__impression_pv",
                                      COALESCE(
                                        SUM("t5"."n") FILTER(WHERE
                                          (
                                            "t5"."_span" = 0
                                          ) AND (
                                            "t5"."type" = 'enter'
                                          )),
                                        0
                                      ) AS "r0__enter_pv",
                                      COALESCE(
                                        SUM("t5"."n") FILTER(WHERE
                                          (
                                            "t5"."_span" = 0
                                          ) AND (
                                            "t5"."type" = 'comment'
                                          )),
                                        0
                                      ) AS "r0__comment_pv",
                                      COALESCE(
                                        SUM("t5"."n") FILTER(WHERE
                                          (
                                            "t5"."_span" = 0
                                          ) AND (
                                            "t5"."type" = 'negative_feedback'
                                          )),
                                        0
                                      ) AS "r0__negative_pv",
                                      COALESCE(
                                        SUM("t5"."amount") FILTER(WHERE
                                          (
                                            "t5"."_span" = 0
                                          ) AND (
                                            "t5"."type" = 'ad_spend'
                                          )),
                                        0
                                      ) AS "r0__ad_cost_fen"
                                    FROM (
                                      SELECT
                                        "t1"."session_id",
                                        "t1"."_span",
                                        "t1"."type",
                                        COUNT(*) AS "n",
                                        SUM("t1"."amount_fen") AS "amount"
                                      FROM (
                                        SELECT
                                          's1' AS "session_id",
                                          "t0"."type",
                                          "t0"."amount_fen",
                                          0 AS "_span"
                                        FROM "live_events" AS "t0"
                                        WHERE
                                          "t0"."session_id" = 's1' AND "t0"."ts" <= 3600000
                                      ) AS "t1"
                                      GROUP BY
                                        1,
                                        2,
                                        3
                                    ) AS "t5"
                                    GROUP BY
                                      1
                                  ) AS "t18"
                                  LEFT OUTER JOIN (
                                    SELECT
                                      "t22"."session_id" AS "_sid0",
                                      "t22"."r0__impression_uv",
                                      "t22"."r0__enter_uv",
                                      "t22"."r0__comment_uv",
                                      "t22"."r0__share_uv",
                                      "t22"."r0__interact_uv",
                                      "t22"."r0__follow_uv",
                                      "t22"."r0__fans_club_uv",
                                      "t22"."r0__product_impression_uv",
                                      "t22"."r0__product_click_uv"
                                    FROM (
                                      SELECT
                                        "t11"."session_id",
                                        COUNT("t11"."user_id") FILTER(WHERE
                                          (
                                            "t11"."_span" = 0
                                          ) AND (
                                            (
                                              "t11"."kinds" & 32
                                            ) <> 0
                                          )) AS "r0__impression_uv",
                                        COUNT("t11"."user_id") FILTER(WHERE
                                          (
                                            "t11"."_span" = 0
                                          ) AND (
                                            (
                                              "t11"."kinds" & 4
                                            ) <> 0
                                          )) AS "r0__enter_uv",
                                        COUNT("t11"."user_id") FILTER(WHERE
                                          (
                                            "t11"."_span" = 0
                                          ) AND (
                                            (
                                              "t11"."kinds" & 2
                                            ) <> 0
                                          )) AS "r0__comment_uv",
                                        COUNT("t11"."user_id") FILTER(WHERE
                                          (
                                            "t11"."_span" = 0
                                          ) AND (
                                            (
                                              "t11"."kinds" & 512
                                            ) <> 0
                                          )) AS "r0__share_uv",
                                        COUNT("t11"."user_id") FILTER(WHERE
                                          (
                                            "t11"."_span" = 0
                                          ) AND (
                                            (
                                              "t11"."kinds" & 578
                                            ) <> 0
                                          )) AS "r0__interact_uv",
                                        COUNT("t11"."user_id") FILTER(WHERE
                                          (
                                            "t11"."_span" = 0
                                          ) AND (
                                            (
                                              "t11"."kinds" & 16
                                            ) <> 0
                                          )) AS "r0__follow_uv",
                                        COUNT("t11"."user_id") FILTER(WHERE
                                          (
                                            "t11"."_span" = 0
                                          ) AND (
                                            (
                                              "t11"."kinds" & 8
                                            ) <> 0
                                          )) AS "r0__fans_club_uv",
                                        COUNT("t11"."user_id") FILTER(WHERE
                                          (
                                            "t11"."_span" = 0
                                          ) AND (
                                            (
                                              "t11"."kinds" & 256
                                            ) <> 0
                                          )) AS "r0__product_impression_uv",
                                        COUNT("t11"."user_id") FILTER(WHERE
                                          (
                                            "t11"."_span" = 0
                                          ) AND (
                                            (
                                              "t11"."kinds" & 128
                                            ) <> 0
                                          )) AS "r0__product_click_uv"
                                      FROM (
                                        SELECT
                                          "t4"."session_id",
                                          "t4"."_span",
                                          "t4"."user_id",
                                          BIT_OR("t4"."_bit") AS "kinds"
                                        FROM (
                                          SELECT
                                            's1' AS "session_id",
                                            "t0"."user_id",
                                            0 AS "_span",
                                            1 << (
                                              (
                                                CASE
                                                  WHEN (
                                                    [
                                                      'comment',
                                                      'enter',
                                                      'fans_club_join',
                                                      'follow',
                                                      'impression',
                                                      'like',
                                                      'product_click',
                                                      'product_impression',
                                                      'share'
                                                    ] IS NULL
                                                  )
                                                  OR (
                                                    "t0"."type" IS NULL
                                                  )
                                                  THEN NULL
                                                  ELSE COALESCE(
                                                    LIST_INDEXOF(
                                                      [
                                                        'comment',
                                                        'enter',
                                                        'fans_club_join',
                                                        'follow',
                                                        'impression',
                                                        'like',
                                                        'product_click',
                                                        'product_impression',
                                                        'share'
                                                      ],
                                                      "t0"."type"
                                                    ),
                                                    0
                                                  )
                                                END - 1
                                              ) + 1
                                            ) AS "_bit"
                                          FROM "live_events" AS "t0"
                                          WHERE
                                            "t0"."session_id" = 's1' AND "t0"."ts" <= 3600000
                                        ) AS "t4"
                                        GROUP BY
                                          1,
                                          2,
                                          3
                                      ) AS "t11"
                                      GROUP BY
                                        1
                                    ) AS "t22"
                                  ) AS "t30"
                                    ON "t18"."session_id" = "t30"."_sid0"
                                ) AS "t40"
                              ) AS "t49"
                              LEFT OUTER JOIN (
                                SELECT
                                  "t23"."session_id" AS "_sid1",
                                  "t23"."r0__enter_pv_natural",
                                  "t23"."r0__enter_pv_private",
                                  "t23"."r0__enter_pv_paid"
                                FROM (
                                  SELECT
                                    "t12"."session_id",
                                    COUNT(*) FILTER(WHERE
                                      (
                                        "t12"."type" = 'enter'
                                      )
                                      AND (
                                        "t12"."_span" = 0
                                      )
                                      AND (
                                        "t12"."_class" = 'natural'
                                      )) AS "r0__enter_pv_natural",
                                    COUNT(*) FILTER(WHERE
                                      (
                                        "t12"."type" = 'enter'
                                      )
                                      AND (
                                        "t12"."_span" = 0
                                      )
                                      AND (
                                        "t12"."_class" = 'private'
                                      )) AS "r0__enter_pv_private",
                                    COUNT(*) FILTER(WHERE
                                      (
                                        "t12"."type" = 'enter'
                                      )
                                      AND (
                                        "t12"."_span" = 0
                                      )
                                      AND (
                                        "t12"."_class" = 'paid'
                                      )) AS "r0__enter_pv_paid"
                                  FROM (
                                    SELECT
                                      "t3"."session_id",
                                      "t3"."event_id",
                                      "t3"."ts",
                                      "t3"."type",
                                      "t3"."user_id",
                                      "t3"."source",
                                      "t3"."is_follower",
                                      "t3"."product_id",
                                      "t3"."order_id",
                                      "t3"."quantity",
                                      "t3"."amount_fen",
                                      "t3"."kind",
                                      "t3"."text",
                                      "t3"."scope_start",
                                      "t3"."scope_end",
                                      "t3"."scope_as_of",
                                      0 AS "_span",
                                      CASE
                                        WHEN "t3"."source" IN ('follow', 'private_share', 'profile')
                                        THEN 'private'
                                        WHEN "t3"."source" IN ('paid_fentiao', 'paid_jinniu')
                                        THEN 'paid'
                                        ELSE 'natural'
                                      END AS "_class"
                                    FROM "sparse_events" AS "t3"
                                  ) AS "t12"
                                  GROUP BY
                                    1
                                ) AS "t23"
                              ) AS "t31"
                                ON "t49"."session_id" = "t31"."_sid1"
                            ) AS "t56"
                          ) AS "t61"
                          LEFT OUTER JOIN (
                            SELECT
                              "t59"."session_id" AS "_sid2",
                              "t59"."r0__watch_ms",
                              "t59"."r0__present_uv",
                              "t59"."r0__long_visits"
                            FROM (
                              SELECT
                                "t47"."session_id",
                                COALESCE(SUM("t47"."stop" - "t47"."a"), 0) AS "r0__watch_ms",
                                COUNT(DISTINCT "t47"."user_id") FILTER(WHERE
                                  TRUE OR (
                                    (
                                      "t47"."stop" - "t47"."a"
                                    ) > 0
                                  )) AS "r0__present_uv",
                                COUNT("t47"."a") FILTER(WHERE
                                  TRUE AND (
                                    (
                                      "t47"."stop" - "t47"."a"
                                    ) > 60000
                                  )) AS "r0__long_visits"
                              FROM (
                                SELECT
                                  "t37"."session_id",
                                  "t37"."user_id",
                                  "t37"."event_id",
                                  "t37"."scope_as_of",
                                  "t37"."a",
                                  "t37"."e",
                                  COALESCE("t37"."e", "t37"."scope_as_of") AS "stop",
                                  "t37"."e" IS NULL AS "is_open"
                                FROM "t35" AS "t37"
                              ) AS "t47"
                              GROUP BY
                                1
                            ) AS "t59"
                          ) AS "t65"
                            ON "t61"."session_id" = "t65"."_sid2"
                        ) AS "t68"
                      ) AS "t73"
                      LEFT OUTER JOIN (
                        SELECT
                          "t71"."session_id" AS "_sid3",
                          "t71"."r0__peak_online",
                          "t71"."r0__online_at_end"
                        FROM (
                          SELECT
                            "t66"."session_id",
                            GREATEST(COALESCE(MAX("t66"."online"), 0), 0) AS "r0__peak_online",
                            COALESCE(SUM("t66"."step"), 0) AS "r0__online_at_end"
                          FROM (
                            SELECT
                              "t57"."session_id",
                              "t57"."t",
                              "t57"."step",
                              SUM("t57"."step") OVER (ORDER BY "t57"."t" ASC ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS "online"
                            FROM (
                              SELECT
                                "t52"."session_id",
                                "t52"."t",
                                SUM("t52"."step") AS "step"
                              FROM (
                                SELECT
                                  *
                                FROM (
                                  SELECT
                                    "t37"."session_id",
                                    "t37"."a" AS "t",
                                    1 AS "step"
                                  FROM "t35" AS "t37"
                                  WHERE
                                    (
                                      "t37"."e" IS NULL
                                    ) OR (
                                      "t37"."e" > "t37"."a"
                                    )
                                ) AS "t50"
                                UNION ALL
                                SELECT
                                  *
                                FROM (
                                  SELECT
                                    "t37"."session_id",
                                    "t37"."e" AS "t",
                                    -1 AS "step"
                                  FROM "t35" AS "t37"
                                  WHERE
                                    (
                                      (
                                        "t37"."e" IS NULL
                                      ) OR (
                                        "t37"."e" > "t37"."a"
                                      )
                                    )
                                    AND "t37"."e" IS NOT NULL
                                ) AS "t51"
                              ) AS "t52"
                              GROUP BY
                                1,
                                2
                            ) AS "t57"
                          ) AS "t66"
                          GROUP BY
                            1
                        ) AS "t71"
                      ) AS "t76"
                        ON "t73"."session_id" = "t76"."_sid3"
                    ) AS "t79"
                  ) AS "t83"
                  LEFT OUTER JOIN (
                    SELECT
                      "t38"."session_id" AS "_sid4",
                      "t38"."r0__orphan_leaves"
                    FROM (
                      SELECT
                        "t25"."session_id",
                        COUNT("t25"."event_id") FILTER(WHERE
                          TRUE) AS "r0__orphan_leaves"
                      FROM (
                        SELECT
                          *
                        FROM "t17" AS "t19"
                        WHERE
                          "t19"."type" = 'leave'
                          AND (
                            (
                              "t19"."prev_type" IS NULL
                            ) OR (
                              "t19"."prev_type" <> 'enter'
                            )
                          )
                      ) AS "t25"
                      GROUP BY
                        1
                    ) AS "t38"
                  ) AS "t48"
                    ON "t83"."session_id" = "t48"."_sid4"
                ) AS "t84"
              ) AS "t86"
              LEFT OUTER JOIN (
                SELECT
                  "t78"."session_id" AS "_sid5",
                  "t78"."r0__paid_orders",
                  "t78"."r0__pay_gmv_fen",
                  "t78"."r0__pay_items",
                  "t78"."r0__pay_uv",
                  "t78"."r0__ad_gmv_fen",
                  "t78"."r0__follower_pay_uv"
                FROM (
                  SELECT
                    "t69"."session_id",
                    COUNT("t69"."order_id") FILTER(WHERE
                      TRUE) AS "r0__paid_orders",
                    COALESCE(SUM("t69"."amount_fen") FILTER(WHERE
                      TRUE), 0) AS "r0__pay_gmv_fen",
                    COALESCE(SUM("t69"."quantity") FILTER(WHERE
                      TRUE), 0) AS "r0__pay_items",
                    COUNT(DISTINCT "t69"."buyer") FILTER(WHERE
                      TRUE) AS "r0__pay_uv",
                    COALESCE(
                      SUM("t69"."amount_fen") FILTER(WHERE
                        TRUE AND (
                          "t69"."entry_class" = 'paid'
                        )),
                      0
                    ) AS "r0__ad_gmv_fen",
                    COUNT(DISTINCT "t69"."buyer") FILTER(WHERE
                      TRUE AND (
                        "t69"."first_in_range" = 0
                      ) AND "t69"."entry_follower") AS "r0__follower_pay_uv"
                  FROM (
                    SELECT
                      "t64"."session_id",
                      "t64"."order_id",
                      "t64"."amount_fen",
                      "t64"."quantity",
                      "t64"."product_id",
                      "t64"."pay_ts",
                      "t64"."pay_id",
                      "t64"."buyer",
                      "t64"."entry_source",
                      "t64"."entry_class",
                      "t64"."entry_follower",
                      "t64"."_span",
                      ROW_NUMBER() OVER (
                        PARTITION BY "t64"."buyer", "t64"."_span"
                        ORDER BY "t64"."pay_ts" ASC, "t64"."pay_id" ASC
                        ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
                      ) - 1 AS "first_in_range"
                    FROM (
                      SELECT
                        "t55"."session_id",
                        "t55"."order_id",
                        "t55"."amount_fen",
                        "t55"."quantity",
                        "t55"."product_id",
                        "t55"."pay_ts",
                        "t55"."pay_id",
                        "t55"."buyer",
                        "t55"."entry_source",
                        CASE
                          WHEN "t55"."entry_source" IN ('follow', 'private_share', 'profile')
                          THEN 'private'
                          WHEN "t55"."entry_source" IN ('paid_fentiao', 'paid_jinniu')
                          THEN 'paid'
                          ELSE 'natural'
                        END AS "entry_class",
                        COALESCE("t55"."entry_follower", FALSE) AS "entry_follower",
                        0 AS "_span"
                      FROM (
                        SELECT
                          "t44"."session_id",
                          "t44"."order_id",
                          "t44"."amount_fen",
                          "t44"."quantity",
                          "t44"."product_id",
                          "t44"."pay_ts",
                          "t44"."pay_id",
                          "t44"."buyer",
                          "t44"."_ts",
                          "t44"."_id",
                          "t44"."entry_source",
                          "t44"."entry_follower",
                          ROW_NUMBER() OVER (
                            PARTITION BY "t44"."order_id"
                            ORDER BY "t44"."_ts" DESC, "t44"."_id" DESC
                            ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
                          ) - 1 AS "_pick"
                        FROM (
                          SELECT
                            "t34"."session_id",
                            "t34"."order_id",
                            "t34"."amount_fen",
                            "t34"."quantity",
                            "t34"."product_id",
                            "t34"."pay_ts",
                            "t34"."pay_id",
                            "t34"."buyer",
                            "t13"."_ts",
                            "t13"."_id",
                            "t13"."entry_source",
                            "t13"."entry_follower"
                          FROM (
                            SELECT
                              "t21"."session_id",
                              "t21"."order_id",
                              "t21"."amount_fen",
                              "t21"."quantity",
                              "t21"."product_id",
                              "t21"."ts" AS "pay_ts",
                              "t21"."event_id" AS "pay_id",
                              "t21"."user_id" AS "buyer"
                            FROM "t20" AS "t21"
                            WHERE
                              "t21"."rank" = 0
                          ) AS "t34"
                          LEFT OUTER JOIN (
                            SELECT
                              "t3"."session_id" AS "_session",
                              "t3"."user_id" AS "_user",
                              "t3"."ts" AS "_ts",
                              "t3"."event_id" AS "_id",
                              "t3"."source" AS "entry_source",
                              COALESCE("t3"."is_follower", FALSE) AS "entry_follower"
                            FROM "sparse_events" AS "t3"
                            WHERE
                              "t3"."type" = 'enter'
                          ) AS "t13"
                            ON "t34"."session_id" = "t13"."_session"
                            AND "t34"."buyer" = "t13"."_user"
                            AND "t13"."_ts" <= "t34"."pay_ts"
                        ) AS "t44"
                      ) AS "t55"
                      WHERE
                        "t55"."_pick" = 0
                    ) AS "t64"
                  ) AS "t69"
                  GROUP BY
                    1
                ) AS "t78"
              ) AS "t82"
                ON "t86"."session_id" = "t82"."_sid5"
            ) AS "t87"
          ) AS "t89"
          LEFT OUTER JOIN (
            SELECT
              "t36"."session_id" AS "_sid6",
              "t36"."r0__repeated_payments"
            FROM (
              SELECT
                "t21"."session_id",
                COUNT("t21"."event_id") FILTER(WHERE
                  TRUE AND (
                    "t21"."rank" > 0
                  )) AS "r0__repeated_payments"
              FROM "t20" AS "t21"
              GROUP BY
                1
            ) AS "t36"
          ) AS "t45"
            ON "t89"."session_id" = "t45"."_sid6"
        ) AS "t90"
      ) AS "t92"
      LEFT OUTER JOIN (
        SELECT
          "t72"."session_id" AS "_sid7",
          "t72"."r0__refund_fen",
          "t72"."r0__refund_cut_fen"
        FROM (
          SELECT
            "t67"."session_id",
            COALESCE(SUM("t67"."counted") FILTER(WHERE
              TRUE), 0) AS "r0__refund_fen",
            COALESCE(SUM("t67"."amount_fen" - "t67"."counted") FILTER(WHERE
              TRUE), 0) AS "r0__refund_cut_fen"
          FROM (
            SELECT
              "t53"."session_id",
              "t53"."order_id",
              "t53"."event_id",
              "t53"."ts",
              "t53"."amount_fen",
              "t53"."_product" AS "product_id",
              CASE
                WHEN "t53"."_paid" IS NULL
                THEN 0
                ELSE LEAST("t53"."_paid", "t53"."_total") - LEAST("t53"."_paid", "t53"."_total" - "t53"."amount_fen")
              END AS "counted"
            FROM (
              SELECT
                "t43"."session_id",
                "t43"."order_id",
                "t43"."event_id",
                "t43"."ts",
                "t43"."amount_fen",
                "t43"."_paid",
                "t43"."_product",
                SUM("t43"."amount_fen") OVER (
                  PARTITION BY "t43"."order_id"
                  ORDER BY "t43"."ts" ASC, "t43"."event_id" ASC
                  ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
                ) AS "_total"
              FROM (
                SELECT
                  "t15"."session_id",
                  "t15"."order_id",
                  "t15"."event_id",
                  "t15"."ts",
                  "t15"."amount_fen",
                  "t33"."_paid",
                  "t33"."_product"
                FROM (
                  SELECT
                    *
                  FROM "sparse_events" AS "t3"
                  WHERE
                    "t3"."type" = 'refund' AND "t3"."order_id" IS NOT NULL
                ) AS "t15"
                LEFT OUTER JOIN (
                  SELECT
                    "t21"."session_id" AS "_session",
                    "t21"."order_id" AS "_order",
                    "t21"."amount_fen" AS "_paid",
                    "t21"."product_id" AS "_product"
                  FROM "t20" AS "t21"
                  WHERE
                    "t21"."rank" = 0
                ) AS "t33"
                  ON "t15"."session_id" = "t33"."_session" AND "t15"."order_id" = "t33"."_order"
              ) AS "t43"
            ) AS "t53"
          ) AS "t67"
          GROUP BY
            1
        ) AS "t72"
      ) AS "t77"
        ON "t92"."session_id" = "t77"."_sid7"
    ) AS "t93"
  ) AS "t95"
  LEFT OUTER JOIN (
    SELECT
      "t54"."session_id" AS "_sid8",
      "t54"."r0__created_orders",
      "t54"."r0__unpaid_orders"
    FROM (
      SELECT
        "t42"."session_id",
        COUNT(DISTINCT "t42"."order_id") FILTER(WHERE
          TRUE) AS "r0__created_orders",
        COUNT(DISTINCT "t42"."order_id") FILTER(WHERE
          TRUE AND NOT (
            "t42"."is_paid"
          )) AS "r0__unpaid_orders"
      FROM (
        SELECT
          "t14"."session_id",
          "t14"."order_id",
          "t14"."ts",
          "t14"."product_id",
          "t14"."event_id",
          "t32"."_order" IS NOT NULL AS "is_paid"
        FROM (
          SELECT
            *
          FROM "sparse_events" AS "t3"
          WHERE
            "t3"."type" = 'order_created' AND "t3"."order_id" IS NOT NULL
        ) AS "t14"
        LEFT OUTER JOIN (
          SELECT
            "t21"."session_id" AS "_session",
            "t21"."order_id" AS "_order"
          FROM "t20" AS "t21"
          WHERE
            "t21"."rank" = 0
        ) AS "t32"
          ON "t14"."session_id" = "t32"."_session" AND "t14"."order_id" = "t32"."_order"
      ) AS "t42"
      GROUP BY
        1
    ) AS "t54"
  ) AS "t62"
    ON "t95"."session_id" = "t62"."_sid8"
) AS "t96"
