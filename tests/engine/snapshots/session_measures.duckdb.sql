WITH "sparse_events" AS (
  SELECT
    "t0"."event_id",
    "t0"."ts",
    "t0"."type",
    "t0"."user_id",
    "t0"."source",
    "t0"."is_follower",
    "t0"."product_id",
    "t0"."order_id",
    "t0"."quantity",
    "t0"."amount_fen"
  FROM "live_events" AS "t0"
  WHERE
    "t0"."session_id" = 's1'
    AND "t0"."ts" <= 3600000
    AND NOT (
      "t0"."type" IN ('impression', 'like', 'product_impression')
    )
), "t18" AS (
  SELECT
    "t7"."session_id",
    "t7"."event_id",
    "t7"."ts",
    "t7"."type",
    "t7"."user_id",
    "t7"."source",
    "t7"."is_follower",
    "t7"."product_id",
    "t7"."order_id",
    "t7"."quantity",
    "t7"."amount_fen",
    "t7"."scope_start",
    "t7"."scope_end",
    "t7"."scope_as_of",
    LEAD("t7"."ts") OVER (
      PARTITION BY "t7"."user_id"
      ORDER BY "t7"."ts" ASC, "t7"."event_id" ASC
      ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
    ) AS "next_ts",
    LAG("t7"."type") OVER (
      PARTITION BY "t7"."user_id"
      ORDER BY "t7"."ts" ASC, "t7"."event_id" ASC
      ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
    ) AS "prev_type"
  FROM (
    SELECT
      's1' AS "session_id",
      "t4"."event_id",
      "t4"."ts",
      "t4"."type",
      "t4"."user_id",
      "t4"."source",
      "t4"."is_follower",
      "t4"."product_id",
      "t4"."order_id",
      "t4"."quantity",
      "t4"."amount_fen",
      0 AS "scope_start",
      3600000 AS "scope_end",
      3600000 AS "scope_as_of"
    FROM "sparse_events" AS "t4"
    WHERE
      "t4"."type" IN ('enter', 'leave') AND "t4"."user_id" IS NOT NULL
  ) AS "t7"
), "t21" AS (
  SELECT
    "t10"."session_id",
    "t10"."event_id",
    "t10"."ts",
    "t10"."type",
    "t10"."user_id",
    "t10"."source",
    "t10"."is_follower",
    "t10"."product_id",
    "t10"."order_id",
    "t10"."quantity",
    "t10"."amount_fen",
    "t10"."scope_start",
    "t10"."scope_end",
    "t10"."scope_as_of",
    ROW_NUMBER() OVER (
      PARTITION BY "t10"."order_id"
      ORDER BY "t10"."ts" ASC, "t10"."event_id" ASC
      ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
    ) - 1 AS "rank"
  FROM (
    SELECT
      's1' AS "session_id",
      "t4"."event_id",
      "t4"."ts",
      "t4"."type",
      "t4"."user_id",
      "t4"."source",
      "t4"."is_follower",
      "t4"."product_id",
      "t4"."order_id",
      "t4"."quantity",
      "t4"."amount_fen",
      0 AS "scope_start",
      3600000 AS "scope_end",
      3600000 AS "scope_as_of"
    FROM "sparse_events" AS "t4"
    WHERE
      "t4"."type" = 'order_paid' AND "t4"."order_id" IS NOT NULL
  ) AS "t10"
), "t35" AS (
  SELECT
    "t20"."session_id",
    "t20"."user_id",
    "t20"."event_id",
    "t20"."scope_as_of",
    "t20"."ts" AS "a",
    CASE
      WHEN "t20"."scope_end" IS NULL
      THEN "t20"."next_ts"
      ELSE GREATEST("t20"."ts", LEAST(COALESCE("t20"."next_ts", "t20"."scope_end"), "t20"."scope_end"))
    END AS "e"
  FROM "t18" AS "t20"
  WHERE
    "t20"."type" = 'enter'
)
SELECT
  "t97".*
  EXCLUDE ("_sid8")
FROM (
  SELECT
    "t96"."session_id",
    "t96"."r0__impression_pv",
    "t96"."r0__enter_pv",
    "t96"."r0__comment_pv",
    "t96"."r0__negative_pv",
    "t96"."r0__ad_cost_fen",
    "t96"."r0__impression_uv",
    "t96"."r0__enter_uv",
    "t96"."r0__comment_uv",
    "t96"."r0__share_uv",
    "t96"."r0__interact_uv",
    "t96"."r0__follow_uv",
    "t96"."r0__fans_club_uv",
    "t96"."r0__product_impression_uv",
    "t96"."r0__product_click_uv",
    "t96"."r0__enter_pv_natural",
    "t96"."r0__enter_pv_private",
    "t96"."r0__enter_pv_paid",
    "t96"."r0__watch_ms",
    "t96"."r0__present_uv",
    "t96"."r0__long_visits",
    "t96"."r0__peak_online",
    "t96"."r0__online_at_end",
    "t96"."r0__orphan_leaves",
    "t96"."r0__paid_orders",
    "t96"."r0__pay_gmv_fen",
    "t96"."r0__pay_items",
    "t96"."r0__pay_uv",
    "t96"."r0__ad_gmv_fen",
    "t96"."r0__follower_pay_uv",
    "t96"."r0__repeated_payments",
    "t96"."r0__refund_fen",
    "t96"."r0__refund_cut_fen",
    "t61"."_sid8",
    "t61"."r0__created_orders",
    "t61"."r0__unpaid_orders"
  FROM (
    SELECT
      "t94".*
      EXCLUDE ("_sid7")
    FROM (
      SELECT
        "t93"."session_id",
        "t93"."r0__impression_pv",
        "t93"."r0__enter_pv",
        "t93"."r0__comment_pv",
        "t93"."r0__negative_pv",
        "t93"."r0__ad_cost_fen",
        "t93"."r0__impression_uv",
        "t93"."r0__enter_uv",
        "t93"."r0__comment_uv",
        "t93"."r0__share_uv",
        "t93"."r0__interact_uv",
        "t93"."r0__follow_uv",
        "t93"."r0__fans_club_uv",
        "t93"."r0__product_impression_uv",
        "t93"."r0__product_click_uv",
        "t93"."r0__enter_pv_natural",
        "t93"."r0__enter_pv_private",
        "t93"."r0__enter_pv_paid",
        "t93"."r0__watch_ms",
        "t93"."r0__present_uv",
        "t93"."r0__long_visits",
        "t93"."r0__peak_online",
        "t93"."r0__online_at_end",
        "t93"."r0__orphan_leaves",
        "t93"."r0__paid_orders",
        "t93"."r0__pay_gmv_fen",
        "t93"."r0__pay_items",
        "t93"."r0__pay_uv",
        "t93"."r0__ad_gmv_fen",
        "t93"."r0__follower_pay_uv",
        "t93"."r0__repeated_payments",
        "t78"."_sid7",
        "t78"."r0__refund_fen",
        "t78"."r0__refund_cut_fen"
      FROM (
        SELECT
          "t91".*
          EXCLUDE ("_sid6")
        FROM (
          SELECT
            "t90"."session_id",
            "t90"."r0__impression_pv",
            "t90"."r0__enter_pv",
            "t90"."r0__comment_pv",
            "t90"."r0__negative_pv",
            "t90"."r0__ad_cost_fen",
            "t90"."r0__impression_uv",
            "t90"."r0__enter_uv",
            "t90"."r0__comment_uv",
            "t90"."r0__share_uv",
            "t90"."r0__interact_uv",
            "t90"."r0__follow_uv",
            "t90"."r0__fans_club_uv",
            "t90"."r0__product_impression_uv",
            "t90"."r0__product_click_uv",
            "t90"."r0__enter_pv_natural",
            "t90"."r0__enter_pv_private",
            "t90"."r0__enter_pv_paid",
            "t90"."r0__watch_ms",
            "t90"."r0__present_uv",
            "t90"."r0__long_visits",
            "t90"."r0__peak_online",
            "t90"."r0__online_at_end",
            "t90"."r0__orphan_leaves",
            "t90"."r0__paid_orders",
            "t90"."r0__pay_gmv_fen",
            "t90"."r0__pay_items",
            "t90"."r0__pay_uv",
            "t90"."r0__ad_gmv_fen",
            "t90"."r0__follower_pay_uv",
            "t45"."_sid6",
            "t45"."r0__repeated_payments"
          FROM (
            SELECT
              "t88".*
              EXCLUDE ("_sid5")
            FROM (
              SELECT
                "t87"."session_id",
                "t87"."r0__impression_pv",
                "t87"."r0__enter_pv",
                "t87"."r0__comment_pv",
                "t87"."r0__negative_pv",
                "t87"."r0__ad_cost_fen",
                "t87"."r0__impression_uv",
                "t87"."r0__enter_uv",
                "t87"."r0__comment_uv",
                "t87"."r0__share_uv",
                "t87"."r0__interact_uv",
                "t87"."r0__follow_uv",
                "t87"."r0__fans_club_uv",
                "t87"."r0__product_impression_uv",
                "t87"."r0__product_click_uv",
                "t87"."r0__enter_pv_natural",
                "t87"."r0__enter_pv_private",
                "t87"."r0__enter_pv_paid",
                "t87"."r0__watch_ms",
                "t87"."r0__present_uv",
                "t87"."r0__long_visits",
                "t87"."r0__peak_online",
                "t87"."r0__online_at_end",
                "t87"."r0__orphan_leaves",
                "t83"."_sid5",
                "t83"."r0__paid_orders",
                "t83"."r0__pay_gmv_fen",
                "t83"."r0__pay_items",
                "t83"."r0__pay_uv",
                "t83"."r0__ad_gmv_fen",
                "t83"."r0__follower_pay_uv"
              FROM (
                SELECT
                  "t85".*
                  EXCLUDE ("_sid4")
                FROM (
                  SELECT
                    "t84"."session_id",
                    "t84"."r0__impression_pv",
                    "t84"."r0__enter_pv",
                    "t84"."r0__comment_pv",
                    "t84"."r0__negative_pv",
                    "t84"."r0__ad_cost_fen",
                    "t84"."r0__impression_uv",
                    "t84"."r0__enter_uv",
                    "t84"."r0__comment_uv",
                    "t84"."r0__share_uv",
                    "t84"."r0__interact_uv",
                    "t84"."r0__follow_uv",
                    "t84"."r0__fans_club_uv",
                    "t84"."r0__product_impression_uv",
                    "t84"."r0__product_click_uv",
                    "t84"."r0__enter_pv_natural",
                    "t84"."r0__enter_pv_private",
                    "t84"."r0__enter_pv_paid",
                    "t84"."r0__watch_ms",
                    "t84"."r0__present_uv",
                    "t84"."r0__long_visits",
                    "t84"."r0__peak_online",
                    "t84"."r0__online_at_end",
                    "t47"."_sid4",
                    "t47"."r0__orphan_leaves"
                  FROM (
                    SELECT
                      "t80".*
                      EXCLUDE ("_sid3")
                    FROM (
                      SELECT
                        "t74"."session_id",
                        "t74"."r0__impression_pv",
                        "t74"."r0__enter_pv",
                        "t74"."r0__comment_pv",
                        "t74"."r0__negative_pv",
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
                        "t74"."r0__enter_pv_natural",
                        "t74"."r0__enter_pv_private",
                        "t74"."r0__enter_pv_paid",
                        "t74"."r0__watch_ms",
                        "t74"."r0__present_uv",
                        "t74"."r0__long_visits",
                        "t77"."_sid3",
                        "t77"."r0__peak_online",
                        "t77"."r0__online_at_end"
                      FROM (
                        SELECT
                          "t69".*
                          EXCLUDE ("_sid2")
                        FROM (
                          SELECT
                            "t65"."session_id",
                            "t65"."r0__impression_pv",
                            "t65"."r0__enter_pv",
                            "t65"."r0__comment_pv",
                            "t65"."r0__negative_pv",
                            "t65"."r0__ad_cost_fen",
                            "t65"."r0__impression_uv",
                            "t65"."r0__enter_uv",
                            "t65"."r0__comment_uv",
                            "t65"."r0__share_uv",
                            "t65"."r0__interact_uv",
                            "t65"."r0__follow_uv",
                            "t65"."r0__fans_club_uv",
                            "t65"."r0__product_impression_uv",
                            "t65"."r0__product_click_uv",
                            "t65"."r0__enter_pv_natural",
                            "t65"."r0__enter_pv_private",
                            "t65"."r0__enter_pv_paid",
                            "t66"."_sid2",
                            "t66"."r0__watch_ms",
                            "t66"."r0__present_uv",
                            "t66"."r0__long_visits"
                          FROM (
                            SELECT
                              "t60".*
                              EXCLUDE ("_sid1")
                            FROM (
                              SELECT
                                "t53"."session_id",
                                "t53"."r0__impression_pv",
                                "t53"."r0__enter_pv",
                                "t53"."r0__comment_pv",
                                "t53"."r0__negative_pv",
                                "t53"."r0__ad_cost_fen",
                                "t53"."r0__impression_uv",
                                "t53"."r0__enter_uv",
                                "t53"."r0__comment_uv",
                                "t53"."r0__share_uv",
                                "t53"."r0__interact_uv",
                                "t53"."r0__follow_uv",
                                "t53"."r0__fans_club_uv",
                                "t53"."r0__product_impression_uv",
                                "t53"."r0__product_click_uv",
                                "t30"."_sid1",
                                "t30"."r0__enter_pv_natural",
                                "t30"."r0__enter_pv_private",
                                "t30"."r0__enter_pv_paid"
                              FROM (
                                SELECT
                                  "t48".*
                                  EXCLUDE ("_sid0")
                                FROM (
                                  SELECT
                                    "t19"."session_id",
                                    "t19"."r0__impression_pv",
                                    "t19"."r0__enter_pv",
                                    "t19"."r0__comment_pv",
                                    "t19"."r0__negative_pv",
                                    "t19"."r0__ad_cost_fen",
                                    "t37"."_sid0",
                                    "t37"."r0__impression_uv",
                                    "t37"."r0__enter_uv",
                                    "t37"."r0__comment_uv",
                                    "t37"."r0__share_uv",
                                    "t37"."r0__interact_uv",
                                    "t37"."r0__follow_uv",
                                    "t37"."r0__fans_club_uv",
                                    "t37"."r0__product_impression_uv",
                                    "t37"."r0__product_click_uv"
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
                                  ) AS "t19"
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
                                        "t16"."session_id",
                                        COUNT("t16"."user_id") FILTER(WHERE
                                          (
                                            "t16"."_span" = 0
                                          ) AND (
                                            (
                                              "t16"."kinds" & 32
                                            ) <> 0
                                          )) AS "r0__impression_uv",
                                        COUNT("t16"."user_id") FILTER(WHERE
                                          (
                                            "t16"."_span" = 0
                                          ) AND (
                                            (
                                              "t16"."kinds" & 4
                                            ) <> 0
                                          )) AS "r0__enter_uv",
                                        COUNT("t16"."user_id") FILTER(WHERE
                                          (
                                            "t16"."_span" = 0
                                          ) AND (
                                            (
                                              "t16"."kinds" & 2
                                            ) <> 0
                                          )) AS "r0__comment_uv",
                                        COUNT("t16"."user_id") FILTER(WHERE
                                          (
                                            "t16"."_span" = 0
                                          ) AND (
                                            (
                                              "t16"."kinds" & 512
                                            ) <> 0
                                          )) AS "r0__share_uv",
                                        COUNT("t16"."user_id") FILTER(WHERE
                                          (
                                            "t16"."_span" = 0
                                          ) AND (
                                            (
                                              "t16"."kinds" & 578
                                            ) <> 0
                                          )) AS "r0__interact_uv",
                                        COUNT("t16"."user_id") FILTER(WHERE
                                          (
                                            "t16"."_span" = 0
                                          ) AND (
                                            (
                                              "t16"."kinds" & 16
                                            ) <> 0
                                          )) AS "r0__follow_uv",
                                        COUNT("t16"."user_id") FILTER(WHERE
                                          (
                                            "t16"."_span" = 0
                                          ) AND (
                                            (
                                              "t16"."kinds" & 8
                                            ) <> 0
                                          )) AS "r0__fans_club_uv",
                                        COUNT("t16"."user_id") FILTER(WHERE
                                          (
                                            "t16"."_span" = 0
                                          ) AND (
                                            (
                                              "t16"."kinds" & 256
                                            ) <> 0
                                          )) AS "r0__product_impression_uv",
                                        COUNT("t16"."user_id") FILTER(WHERE
                                          (
                                            "t16"."_span" = 0
                                          ) AND (
                                            (
                                              "t16"."kinds" & 128
                                            ) <> 0
                                          )) AS "r0__product_click_uv"
                                      FROM (
                                        SELECT
                                          "t6"."session_id",
                                          "t6"."_span",
                                          "t6"."user_id",
                                          BIT_OR("t6"."_bit") AS "kinds"
                                        FROM (
                                          SELECT
                                            "t2"."session_id",
                                            "t2"."user_id",
                                            0 AS "_span",
                                            1 << COALESCE(
                                              ARRAY_POSITION(
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
                                                "t2"."type"
                                              ),
                                              0
                                            ) AS "_bit"
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
                                              "t0"."session_id" = 's1' AND "t0"."ts" <= 3600000
                                          ) AS "t2"
                                        ) AS "t6"
                                        GROUP BY
                                          1,
                                          2,
                                          3
                                      ) AS "t16"
                                      GROUP BY
                                        1
                                    ) AS "t24"
                                  ) AS "t37"
                                    ON "t19"."session_id" = "t37"."_sid0"
                                ) AS "t48"
                              ) AS "t53"
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
                                      's1' AS "session_id",
                                      "t4"."event_id",
                                      "t4"."ts",
                                      "t4"."type",
                                      "t4"."user_id",
                                      "t4"."source",
                                      "t4"."is_follower",
                                      "t4"."product_id",
                                      "t4"."order_id",
                                      "t4"."quantity",
                                      "t4"."amount_fen",
                                      0 AS "scope_start",
                                      3600000 AS "scope_end",
                                      3600000 AS "scope_as_of",
                                      0 AS "_span",
                                      CASE
                                        WHEN "t4"."source" IN ('follow', 'private_share', 'profile')
                                        THEN 'private'
                                        WHEN "t4"."source" IN ('paid_fentiao', 'paid_jinniu')
                                        THEN 'paid'
                                        ELSE 'natural'
                                      END AS "_class"
                                    FROM "sparse_events" AS "t4"
                                  ) AS "t12"
                                  GROUP BY
                                    1
                                ) AS "t23"
                              ) AS "t30"
                                ON "t53"."session_id" = "t30"."_sid1"
                            ) AS "t60"
                          ) AS "t65"
                          LEFT OUTER JOIN (
                            SELECT
                              "t58"."session_id" AS "_sid2",
                              "t58"."r0__watch_ms",
                              "t58"."r0__present_uv",
                              "t58"."r0__long_visits"
                            FROM (
                              SELECT
                                "t46"."session_id",
                                COALESCE(SUM("t46"."stop" - "t46"."a"), 0) AS "r0__watch_ms",
                                COUNT(DISTINCT "t46"."user_id") FILTER(WHERE
                                  TRUE OR (
                                    (
                                      "t46"."stop" - "t46"."a"
                                    ) > 0
                                  )) AS "r0__present_uv",
                                COUNT("t46"."a") FILTER(WHERE
                                  TRUE AND (
                                    (
                                      "t46"."stop" - "t46"."a"
                                    ) > 60000
                                  )) AS "r0__long_visits"
                              FROM (
                                SELECT
                                  "t38"."session_id",
                                  "t38"."user_id",
                                  "t38"."event_id",
                                  "t38"."scope_as_of",
                                  "t38"."a",
                                  "t38"."e",
                                  COALESCE("t38"."e", "t38"."scope_as_of") AS "stop",
                                  "t38"."e" IS NULL AS "is_open"
                                FROM "t35" AS "t38"
                              ) AS "t46"
                              GROUP BY
                                1
                            ) AS "t58"
                          ) AS "t66"
                            ON "t65"."session_id" = "t66"."_sid2"
                        ) AS "t69"
                      ) AS "t74"
                      LEFT OUTER JOIN (
                        SELECT
                          "t72"."session_id" AS "_sid3",
                          "t72"."r0__peak_online",
                          "t72"."r0__online_at_end"
                        FROM (
                          SELECT
                            "t67"."session_id",
                            GREATEST(COALESCE(MAX("t67"."online"), 0), 0) AS "r0__peak_online",
                            COALESCE(SUM("t67"."step"), 0) AS "r0__online_at_end"
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
                                    "t38"."session_id",
                                    "t38"."a" AS "t",
                                    1 AS "step"
                                  FROM "t35" AS "t38"
                                  WHERE
                                    (
                                      "t38"."e" IS NULL
                                    ) OR (
                                      "t38"."e" > "t38"."a"
                                    )
                                ) AS "t49"
                                UNION ALL
                                SELECT
                                  *
                                FROM (
                                  SELECT
                                    "t38"."session_id",
                                    "t38"."e" AS "t",
                                    -1 AS "step"
                                  FROM "t35" AS "t38"
                                  WHERE
                                    (
                                      (
                                        "t38"."e" IS NULL
                                      ) OR (
                                        "t38"."e" > "t38"."a"
                                      )
                                    )
                                    AND "t38"."e" IS NOT NULL
                                ) AS "t50"
                              ) AS "t52"
                              GROUP BY
                                1,
                                2
                            ) AS "t57"
                          ) AS "t67"
                          GROUP BY
                            1
                        ) AS "t72"
                      ) AS "t77"
                        ON "t74"."session_id" = "t77"."_sid3"
                    ) AS "t80"
                  ) AS "t84"
                  LEFT OUTER JOIN (
                    SELECT
                      "t39"."session_id" AS "_sid4",
                      "t39"."r0__orphan_leaves"
                    FROM (
                      SELECT
                        "t25"."session_id",
                        COUNT("t25"."event_id") FILTER(WHERE
                          TRUE) AS "r0__orphan_leaves"
                      FROM (
                        SELECT
                          *
                        FROM "t18" AS "t20"
                        WHERE
                          "t20"."type" = 'leave'
                          AND (
                            (
                              "t20"."prev_type" IS NULL
                            ) OR (
                              "t20"."prev_type" <> 'enter'
                            )
                          )
                      ) AS "t25"
                      GROUP BY
                        1
                    ) AS "t39"
                  ) AS "t47"
                    ON "t84"."session_id" = "t47"."_sid4"
                ) AS "t85"
              ) AS "t87"
              LEFT OUTER JOIN (
                SELECT
                  "t79"."session_id" AS "_sid5",
                  "t79"."r0__paid_orders",
                  "t79"."r0__pay_gmv_fen",
                  "t79"."r0__pay_items",
                  "t79"."r0__pay_uv",
                  "t79"."r0__ad_gmv_fen",
                  "t79"."r0__follower_pay_uv"
                FROM (
                  SELECT
                    "t70"."session_id",
                    COUNT("t70"."order_id") FILTER(WHERE
                      TRUE) AS "r0__paid_orders",
                    COALESCE(SUM("t70"."amount_fen") FILTER(WHERE
                      TRUE), 0) AS "r0__pay_gmv_fen",
                    COALESCE(SUM("t70"."quantity") FILTER(WHERE
                      TRUE), 0) AS "r0__pay_items",
                    COUNT(DISTINCT "t70"."buyer") FILTER(WHERE
                      TRUE) AS "r0__pay_uv",
                    COALESCE(
                      SUM("t70"."amount_fen") FILTER(WHERE
                        TRUE AND (
                          "t70"."entry_class" = 'paid'
                        )),
                      0
                    ) AS "r0__ad_gmv_fen",
                    COUNT(DISTINCT "t70"."buyer") FILTER(WHERE
                      TRUE AND (
                        "t70"."first_in_range" = 0
                      ) AND "t70"."entry_follower") AS "r0__follower_pay_uv"
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
                        "t56"."session_id",
                        "t56"."order_id",
                        "t56"."amount_fen",
                        "t56"."quantity",
                        "t56"."product_id",
                        "t56"."pay_ts",
                        "t56"."pay_id",
                        "t56"."buyer",
                        "t56"."entry_source",
                        CASE
                          WHEN "t56"."entry_source" IN ('follow', 'private_share', 'profile')
                          THEN 'private'
                          WHEN "t56"."entry_source" IN ('paid_fentiao', 'paid_jinniu')
                          THEN 'paid'
                          ELSE 'natural'
                        END AS "entry_class",
                        COALESCE("t56"."entry_follower", FALSE) AS "entry_follower",
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
                            "t33"."session_id",
                            "t33"."order_id",
                            "t33"."amount_fen",
                            "t33"."quantity",
                            "t33"."product_id",
                            "t33"."pay_ts",
                            "t33"."pay_id",
                            "t33"."buyer",
                            "t13"."_ts",
                            "t13"."_id",
                            "t13"."entry_source",
                            "t13"."entry_follower"
                          FROM (
                            SELECT
                              "t22"."session_id",
                              "t22"."order_id",
                              "t22"."amount_fen",
                              "t22"."quantity",
                              "t22"."product_id",
                              "t22"."ts" AS "pay_ts",
                              "t22"."event_id" AS "pay_id",
                              "t22"."user_id" AS "buyer"
                            FROM "t21" AS "t22"
                            WHERE
                              "t22"."rank" = 0
                          ) AS "t33"
                          LEFT OUTER JOIN (
                            SELECT
                              's1' AS "_session",
                              "t4"."user_id" AS "_user",
                              "t4"."ts" AS "_ts",
                              "t4"."event_id" AS "_id",
                              "t4"."source" AS "entry_source",
                              COALESCE("t4"."is_follower", FALSE) AS "entry_follower"
                            FROM "sparse_events" AS "t4"
                            WHERE
                              "t4"."type" = 'enter'
                          ) AS "t13"
                            ON "t33"."session_id" = "t13"."_session"
                            AND "t33"."buyer" = "t13"."_user"
                            AND "t13"."_ts" <= "t33"."pay_ts"
                        ) AS "t44"
                      ) AS "t56"
                      WHERE
                        "t56"."_pick" = 0
                    ) AS "t64"
                  ) AS "t70"
                  GROUP BY
                    1
                ) AS "t79"
              ) AS "t83"
                ON "t87"."session_id" = "t83"."_sid5"
            ) AS "t88"
          ) AS "t90"
          LEFT OUTER JOIN (
            SELECT
              "t36"."session_id" AS "_sid6",
              "t36"."r0__repeated_payments"
            FROM (
              SELECT
                "t22"."session_id",
                COUNT("t22"."event_id") FILTER(WHERE
                  TRUE AND (
                    "t22"."rank" > 0
                  )) AS "r0__repeated_payments"
              FROM "t21" AS "t22"
              GROUP BY
                1
            ) AS "t36"
          ) AS "t45"
            ON "t90"."session_id" = "t45"."_sid6"
        ) AS "t91"
      ) AS "t93"
      LEFT OUTER JOIN (
        SELECT
          "t73"."session_id" AS "_sid7",
          "t73"."r0__refund_fen",
          "t73"."r0__refund_cut_fen"
        FROM (
          SELECT
            "t68"."session_id",
            COALESCE(SUM("t68"."counted") FILTER(WHERE
              TRUE), 0) AS "r0__refund_fen",
            COALESCE(SUM("t68"."amount_fen" - "t68"."counted") FILTER(WHERE
              TRUE), 0) AS "r0__refund_cut_fen"
          FROM (
            SELECT
              "t54"."session_id",
              "t54"."order_id",
              "t54"."event_id",
              "t54"."ts",
              "t54"."amount_fen",
              "t54"."_product" AS "product_id",
              CASE
                WHEN "t54"."_paid" IS NULL
                THEN 0
                ELSE LEAST("t54"."_paid", "t54"."_total") - LEAST("t54"."_paid", "t54"."_total" - "t54"."amount_fen")
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
                  "t32"."_paid",
                  "t32"."_product"
                FROM (
                  SELECT
                    's1' AS "session_id",
                    "t4"."event_id",
                    "t4"."ts",
                    "t4"."type",
                    "t4"."user_id",
                    "t4"."source",
                    "t4"."is_follower",
                    "t4"."product_id",
                    "t4"."order_id",
                    "t4"."quantity",
                    "t4"."amount_fen",
                    0 AS "scope_start",
                    3600000 AS "scope_end",
                    3600000 AS "scope_as_of"
                  FROM "sparse_events" AS "t4"
                  WHERE
                    "t4"."type" = 'refund' AND "t4"."order_id" IS NOT NULL
                ) AS "t15"
                LEFT OUTER JOIN (
                  SELECT
                    "t22"."session_id" AS "_session",
                    "t22"."order_id" AS "_order",
                    "t22"."amount_fen" AS "_paid",
                    "t22"."product_id" AS "_product"
                  FROM "t21" AS "t22"
                  WHERE
                    "t22"."rank" = 0
                ) AS "t32"
                  ON "t15"."session_id" = "t32"."_session" AND "t15"."order_id" = "t32"."_order"
              ) AS "t43"
            ) AS "t54"
          ) AS "t68"
          GROUP BY
            1
        ) AS "t73"
      ) AS "t78"
        ON "t93"."session_id" = "t78"."_sid7"
    ) AS "t94"
  ) AS "t96"
  LEFT OUTER JOIN (
    SELECT
      "t55"."session_id" AS "_sid8",
      "t55"."r0__created_orders",
      "t55"."r0__unpaid_orders"
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
          "t31"."_order" IS NOT NULL AS "is_paid"
        FROM (
          SELECT
            's1' AS "session_id",
            "t4"."event_id",
            "t4"."ts",
            "t4"."type",
            "t4"."user_id",
            "t4"."source",
            "t4"."is_follower",
            "t4"."product_id",
            "t4"."order_id",
            "t4"."quantity",
            "t4"."amount_fen",
            0 AS "scope_start",
            3600000 AS "scope_end",
            3600000 AS "scope_as_of"
          FROM "sparse_events" AS "t4"
          WHERE
            "t4"."type" = 'order_created' AND "t4"."order_id" IS NOT NULL
        ) AS "t14"
        LEFT OUTER JOIN (
          SELECT
            "t22"."session_id" AS "_session",
            "t22"."order_id" AS "_order"
          FROM "t21" AS "t22"
          WHERE
            "t22"."rank" = 0
        ) AS "t31"
          ON "t14"."session_id" = "t31"."_session" AND "t14"."order_id" = "t31"."_order"
      ) AS "t42"
      GROUP BY
        1
    ) AS "t55"
  ) AS "t61"
    ON "t96"."session_id" = "t61"."_sid8"
) AS "t97"
