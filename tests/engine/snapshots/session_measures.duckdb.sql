WITH "t11" AS (
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
    LEAD("t2"."ts") OVER (
      PARTITION BY "t2"."user_id"
      ORDER BY "t2"."ts" ASC, "t2"."event_id" ASC
      ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
    ) AS "next_ts",
    LAG("t2"."type") OVER (
      PARTITION BY "t2"."user_id"
      ORDER BY "t2"."ts" ASC, "t2"."event_id" ASC
      ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
    ) AS "prev_type"
  FROM (
    SELECT
      *
    FROM "live_events" AS "t0"
    WHERE
      "t0"."session_id" = 's1'
      AND "t0"."ts" <= 3600000
      AND "t0"."type" IN ('enter', 'leave')
      AND "t0"."user_id" IS NOT NULL
  ) AS "t2"
), "t14" AS (
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
    ROW_NUMBER() OVER (
      PARTITION BY "t4"."order_id"
      ORDER BY "t4"."ts" ASC, "t4"."event_id" ASC
      ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
    ) - 1 AS "rank"
  FROM (
    SELECT
      *
    FROM "live_events" AS "t0"
    WHERE
      "t0"."session_id" = 's1'
      AND "t0"."ts" <= 3600000
      AND "t0"."type" = 'order_paid'
      AND "t0"."order_id" IS NOT NULL
  ) AS "t4"
), "t22" AS (
  SELECT
    "t13"."user_id",
    "t13"."event_id",
    "t13"."ts" AS "a",
    GREATEST("t13"."ts", LEAST(COALESCE("t13"."next_ts", 3600000), 3600000)) AS "e"
  FROM "t11" AS "t13"
  WHERE
    "t13"."type" = 'enter'
)
SELECT
  "t28"."r0__impression_pv",
  "t28"."r0__enter_pv",
  "t28"."r0__comment_pv",
  "t28"."r0__negative_pv",
  "t28"."r0__impression_uv",
  "t28"."r0__enter_uv",
  "t28"."r0__comment_uv",
  "t28"."r0__share_uv",
  "t28"."r0__interact_uv",
  "t28"."r0__follow_uv",
  "t28"."r0__fans_club_uv",
  "t28"."r0__product_impression_uv",
  "t28"."r0__product_click_uv",
  "t17"."r0__enter_pv_natural",
  "t17"."r0__enter_pv_private",
  "t17"."r0__enter_pv_paid",
  "t17"."r0__created_orders",
  "t17"."r0__ad_cost_fen",
  "t46"."r0__watch_ms",
  "t46"."r0__present_uv",
  "t46"."r0__long_visits",
  "t53"."r0__peak_online",
  "t53"."r0__online_at_end",
  "t38"."r0__orphan_leaves",
  "t56"."r0__paid_orders",
  "t56"."r0__pay_gmv_fen",
  "t56"."r0__pay_items",
  "t56"."r0__pay_uv",
  "t56"."r0__ad_gmv_fen",
  "t56"."r0__follower_pay_uv",
  "t30"."r0__repeated_payments",
  "t54"."r0__refund_fen",
  "t54"."r0__refund_cut_fen",
  "t44"."r0__unpaid_orders"
FROM (
  SELECT
    COALESCE(
      SUM("t12"."n") FILTER(WHERE
        (
          "t12"."_span" = 0
        ) AND (
          "t12"."type" = 'impression'
        )),
      0
    ) AS "r0__impression_pv",
    COALESCE(
      SUM("t12"."n") FILTER(WHERE
        (
          "t12"."_span" = 0
        ) AND (
          "t12"."type" = 'enter'
        )),
      0
    ) AS "r0__enter_pv",
    COALESCE(
      SUM("t12"."n") FILTER(WHERE
        (
          "t12"."_span" = 0
        ) AND (
          "t12"."type" = 'comment'
        )),
      0
    ) AS "r0__comment_pv",
    COALESCE(
      SUM("t12"."n") FILTER(WHERE
        (
          "t12"."_span" = 0
        ) AND (
          "t12"."type" = 'negative_feedback'
        )),
      0
    ) AS "r0__negative_pv",
    COUNT("t12"."user_id") FILTER(WHERE
      (
        "t12"."_span" = 0
      ) AND (
        "t12"."type" = 'impression'
      )) AS "r0__impression_uv",
    COUNT("t12"."user_id") FILTER(WHERE
      (
        "t12"."_span" = 0
      ) AND (
        "t12"."type" = 'enter'
      )) AS "r0__enter_uv",
    COUNT("t12"."user_id") FILTER(WHERE
      (
        "t12"."_span" = 0
      ) AND (
        "t12"."type" = 'comment'
      )) AS "r0__comment_uv",
    COUNT("t12"."user_id") FILTER(WHERE
      (
        "t12"."_span" = 0
      ) AND (
        "t12"."type" = 'share'
      )) AS "r0__share_uv",
    COUNT(DISTINCT "t12"."user_id") FILTER(WHERE
      (
        "t12"."_span" = 0
      ) AND "t12"."type" IN ('like', 'comment', 'share')) AS "r0__interact_uv",
    COUNT("t12"."user_id") FILTER(WHERE
      (
        "t12"."_span" = 0
      ) AND (
        "t12"."type" = 'follow'
      )) AS "r0__follow_uv",
    COUNT("t12"."user_id") FILTER(WHERE
      (
        "t12"."_span" = 0
      ) AND (
        "t12"."type" = 'fans_club_join'
      )) AS "r0__fans_club_uv",
    COUNT("t12"."user_id") FILTER(WHERE
      (
        "t12"."_span" = 0
      ) AND (
        "t12"."type" = 'product_impression'
      )) AS "r0__product_impression_uv",
    COUNT("t12"."user_id") FILTER(WHERE
      (
        "t12"."_span" = 0
      ) AND (
        "t12"."type" = 'product_click'
      )) AS "r0__product_click_uv"
  FROM (
    SELECT
      "t10"."_span",
      "t10"."type",
      "t10"."user_id",
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
        CASE WHEN (
          "t0"."ts" > -1
        ) AND (
          "t0"."ts" <= 3600000
        ) THEN 0 ELSE -1 END AS "_span"
      FROM "live_events" AS "t0"
      WHERE
        "t0"."session_id" = 's1'
        AND "t0"."ts" <= 3600000
        AND "t0"."type" IN (
          'comment',
          'enter',
          'fans_club_join',
          'follow',
          'impression',
          'like',
          'negative_feedback',
          'product_click',
          'product_impression',
          'share'
        )
        AND CASE WHEN (
          "t0"."ts" > -1
        ) AND (
          "t0"."ts" <= 3600000
        ) THEN 0 ELSE -1 END >= 0
    ) AS "t10"
    GROUP BY
      1,
      2,
      3
  ) AS "t12"
) AS "t28"
CROSS JOIN (
  SELECT
    COUNT("t1"."event_id") FILTER(WHERE
      (
        "t1"."ts" > -1
      )
      AND (
        "t1"."ts" <= 3600000
      )
      AND (
        "t1"."type" = 'enter'
      )
      AND (
        CASE
          WHEN "t1"."source" IN ('follow', 'private_share', 'profile')
          THEN 'private'
          WHEN "t1"."source" IN ('paid_fentiao', 'paid_jinniu')
          THEN 'paid'
          ELSE 'natural'
        END = 'natural'
      )) AS "r0__enter_pv_natural",
    COUNT("t1"."event_id") FILTER(WHERE
      (
        "t1"."ts" > -1
      )
      AND (
        "t1"."ts" <= 3600000
      )
      AND (
        "t1"."type" = 'enter'
      )
      AND (
        CASE
          WHEN "t1"."source" IN ('follow', 'private_share', 'profile')
          THEN 'private'
          WHEN "t1"."source" IN ('paid_fentiao', 'paid_jinniu')
          THEN 'paid'
          ELSE 'natural'
        END = 'private'
      )) AS "r0__enter_pv_private",
    COUNT("t1"."event_id") FILTER(WHERE
      (
        "t1"."ts" > -1
      )
      AND (
        "t1"."ts" <= 3600000
      )
      AND (
        "t1"."type" = 'enter'
      )
      AND (
        CASE
          WHEN "t1"."source" IN ('follow', 'private_share', 'profile')
          THEN 'private'
          WHEN "t1"."source" IN ('paid_fentiao', 'paid_jinniu')
          THEN 'paid'
          ELSE 'natural'
        END = 'paid'
      )) AS "r0__enter_pv_paid",
    COUNT(DISTINCT "t1"."order_id") FILTER(WHERE
      (
        "t1"."ts" > -1
      )
      AND (
        "t1"."ts" <= 3600000
      )
      AND (
        "t1"."type" = 'order_created'
      )) AS "r0__created_orders",
    COALESCE(
      SUM("t1"."amount_fen") FILTER(WHERE
        (
          "t1"."ts" > -1
        )
        AND (
          "t1"."ts" <= 3600000
        )
        AND (
          "t1"."type" = 'ad_spend'
        )),
      0
    ) AS "r0__ad_cost_fen"
  FROM (
    SELECT
      *
    FROM "live_events" AS "t0"
    WHERE
      "t0"."session_id" = 's1'
      AND "t0"."ts" <= 3600000
      AND "t0"."type" IN ('enter', 'order_created', 'ad_spend')
  ) AS "t1"
) AS "t17"
CROSS JOIN (
  SELECT
    COALESCE(SUM(GREATEST(LEAST("t31"."stop", 3600000) - GREATEST("t31"."a", -1), 0)), 0) AS "r0__watch_ms",
    COUNT(DISTINCT "t31"."user_id") FILTER(WHERE
      (
        (
          "t31"."a" > -1
        ) AND (
          "t31"."a" <= 3600000
        )
      )
      OR (
        GREATEST(LEAST("t31"."stop", 3600000) - GREATEST("t31"."a", -1), 0) > 0
      )) AS "r0__present_uv",
    COUNT("t31"."a") FILTER(WHERE
      (
        "t31"."a" > -1
      )
      AND (
        "t31"."a" <= 3600000
      )
      AND (
        (
          "t31"."stop" - "t31"."a"
        ) > 60000
      )) AS "r0__long_visits"
  FROM (
    SELECT
      "t27"."user_id",
      "t27"."event_id",
      "t27"."a",
      "t27"."e",
      COALESCE("t27"."e", 3600000) AS "stop",
      "t27"."e" IS NULL AS "is_open"
    FROM "t22" AS "t27"
  ) AS "t31"
) AS "t46"
CROSS JOIN (
  SELECT
    GREATEST(
      COALESCE(SUM("t47"."step") FILTER(WHERE
        "t47"."t" <= -1), 0),
      COALESCE(
        MAX("t47"."online") FILTER(WHERE
          (
            "t47"."t" > -1
          ) AND (
            "t47"."t" <= 3600000
          )),
        0
      )
    ) AS "r0__peak_online",
    COALESCE(SUM("t47"."step") FILTER(WHERE
      "t47"."t" <= 3600000), 0) AS "r0__online_at_end"
  FROM (
    SELECT
      "t41"."t",
      "t41"."step",
      SUM("t41"."step") OVER (ORDER BY "t41"."t" ASC ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS "online"
    FROM (
      SELECT
        "t39"."t",
        SUM("t39"."step") AS "step"
      FROM (
        SELECT
          *
        FROM (
          SELECT
            "t27"."a" AS "t",
            1 AS "step"
          FROM "t22" AS "t27"
          WHERE
            (
              "t27"."e" IS NULL
            ) OR (
              "t27"."e" > "t27"."a"
            )
        ) AS "t36"
        UNION ALL
        SELECT
          *
        FROM (
          SELECT
            "t27"."e" AS "t",
            -1 AS "step"
          FROM "t22" AS "t27"
          WHERE
            (
              (
                "t27"."e" IS NULL
              ) OR (
                "t27"."e" > "t27"."a"
              )
            )
            AND "t27"."e" IS NOT NULL
        ) AS "t37"
      ) AS "t39"
      GROUP BY
        1
    ) AS "t41"
  ) AS "t47"
) AS "t53"
CROSS JOIN (
  SELECT
    COUNT("t18"."event_id") FILTER(WHERE
      (
        "t18"."ts" > -1
      ) AND (
        "t18"."ts" <= 3600000
      )) AS "r0__orphan_leaves"
  FROM (
    SELECT
      *
    FROM "t11" AS "t13"
    WHERE
      "t13"."type" = 'leave'
      AND (
        (
          "t13"."prev_type" IS NULL
        ) OR (
          "t13"."prev_type" <> 'enter'
        )
      )
  ) AS "t18"
) AS "t38"
CROSS JOIN (
  SELECT
    COUNT("t50"."order_id") FILTER(WHERE
      (
        "t50"."pay_ts" > -1
      ) AND (
        "t50"."pay_ts" <= 3600000
      )) AS "r0__paid_orders",
    COALESCE(
      SUM("t50"."amount_fen") FILTER(WHERE
        (
          "t50"."pay_ts" > -1
        ) AND (
          "t50"."pay_ts" <= 3600000
        )),
      0
    ) AS "r0__pay_gmv_fen",
    COALESCE(
      SUM("t50"."quantity") FILTER(WHERE
        (
          "t50"."pay_ts" > -1
        ) AND (
          "t50"."pay_ts" <= 3600000
        )),
      0
    ) AS "r0__pay_items",
    COUNT(DISTINCT "t50"."buyer") FILTER(WHERE
      (
        "t50"."pay_ts" > -1
      ) AND (
        "t50"."pay_ts" <= 3600000
      )) AS "r0__pay_uv",
    COALESCE(
      SUM("t50"."amount_fen") FILTER(WHERE
        (
          "t50"."pay_ts" > -1
        )
        AND (
          "t50"."pay_ts" <= 3600000
        )
        AND (
          "t50"."entry_class" = 'paid'
        )),
      0
    ) AS "r0__ad_gmv_fen",
    COUNT(DISTINCT "t50"."buyer") FILTER(WHERE
      (
        "t50"."pay_ts" > -1
      )
      AND (
        "t50"."pay_ts" <= 3600000
      )
      AND (
        "t50"."first_in_range" = 0
      )
      AND "t50"."entry_follower") AS "r0__follower_pay_uv"
  FROM (
    SELECT
      "t48"."order_id",
      "t48"."amount_fen",
      "t48"."quantity",
      "t48"."product_id",
      "t48"."pay_ts",
      "t48"."pay_id",
      "t48"."buyer",
      "t48"."entry_source",
      "t48"."entry_class",
      "t48"."entry_follower",
      "t48"."_span",
      ROW_NUMBER() OVER (
        PARTITION BY "t48"."buyer", "t48"."_span"
        ORDER BY "t48"."pay_ts" ASC, "t48"."pay_id" ASC
        ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
      ) - 1 AS "first_in_range"
    FROM (
      SELECT
        "t42"."order_id",
        "t42"."amount_fen",
        "t42"."quantity",
        "t42"."product_id",
        "t42"."pay_ts",
        "t42"."pay_id",
        "t42"."buyer",
        "t42"."entry_source",
        CASE
          WHEN "t42"."entry_source" IN ('follow', 'private_share', 'profile')
          THEN 'private'
          WHEN "t42"."entry_source" IN ('paid_fentiao', 'paid_jinniu')
          THEN 'paid'
          ELSE 'natural'
        END AS "entry_class",
        COALESCE("t42"."entry_follower", FALSE) AS "entry_follower",
        CASE
          WHEN (
            "t42"."pay_ts" > -1
          ) AND (
            "t42"."pay_ts" <= 3600000
          )
          THEN 0
          ELSE -1
        END AS "_span"
      FROM (
        SELECT
          "t34"."order_id",
          "t34"."amount_fen",
          "t34"."quantity",
          "t34"."product_id",
          "t34"."pay_ts",
          "t34"."pay_id",
          "t34"."buyer",
          "t34"."_ts",
          "t34"."_id",
          "t34"."entry_source",
          "t34"."entry_follower",
          ROW_NUMBER() OVER (
            PARTITION BY "t34"."order_id"
            ORDER BY "t34"."_ts" DESC, "t34"."_id" DESC
            ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
          ) - 1 AS "_pick"
        FROM (
          SELECT
            "t24"."order_id",
            "t24"."amount_fen",
            "t24"."quantity",
            "t24"."product_id",
            "t24"."pay_ts",
            "t24"."pay_id",
            "t24"."buyer",
            "t7"."_ts",
            "t7"."_id",
            "t7"."entry_source",
            "t7"."entry_follower"
          FROM (
            SELECT
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
          ) AS "t24"
          LEFT OUTER JOIN (
            SELECT
              "t0"."user_id" AS "_user",
              "t0"."ts" AS "_ts",
              "t0"."event_id" AS "_id",
              "t0"."source" AS "entry_source",
              COALESCE("t0"."is_follower", FALSE) AS "entry_follower"
            FROM "live_events" AS "t0"
            WHERE
              "t0"."session_id" = 's1' AND "t0"."ts" <= 3600000 AND "t0"."type" = 'enter'
          ) AS "t7"
            ON "t24"."buyer" = "t7"."_user" AND "t7"."_ts" <= "t24"."pay_ts"
        ) AS "t34"
      ) AS "t42"
      WHERE
        "t42"."_pick" = 0
    ) AS "t48"
  ) AS "t50"
) AS "t56"
CROSS JOIN (
  SELECT
    COUNT("t15"."event_id") FILTER(WHERE
      (
        "t15"."ts" > -1
      ) AND (
        "t15"."ts" <= 3600000
      ) AND (
        "t15"."rank" > 0
      )) AS "r0__repeated_payments"
  FROM "t14" AS "t15"
) AS "t30"
CROSS JOIN (
  SELECT
    COALESCE(
      SUM("t49"."counted") FILTER(WHERE
        (
          "t49"."ts" > -1
        ) AND (
          "t49"."ts" <= 3600000
        )),
      0
    ) AS "r0__refund_fen",
    COALESCE(
      SUM("t49"."amount_fen" - "t49"."counted") FILTER(WHERE
        (
          "t49"."ts" > -1
        ) AND (
          "t49"."ts" <= 3600000
        )),
      0
    ) AS "r0__refund_cut_fen"
  FROM (
    SELECT
      "t40"."order_id",
      "t40"."event_id",
      "t40"."ts",
      "t40"."amount_fen",
      "t40"."_product" AS "product_id",
      CASE
        WHEN "t40"."_paid" IS NULL
        THEN 0
        ELSE LEAST("t40"."_paid", "t40"."_total") - LEAST("t40"."_paid", "t40"."_total" - "t40"."amount_fen")
      END AS "counted"
    FROM (
      SELECT
        "t35"."order_id",
        "t35"."event_id",
        "t35"."ts",
        "t35"."amount_fen",
        "t35"."_paid",
        "t35"."_product",
        SUM("t35"."amount_fen") OVER (
          PARTITION BY "t35"."order_id"
          ORDER BY "t35"."ts" ASC, "t35"."event_id" ASC
          ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
        ) AS "_total"
      FROM (
        SELECT
          "t9"."order_id",
          "t9"."event_id",
          "t9"."ts",
          "t9"."amount_fen",
          "t25"."_paid",
          "t25"."_product"
        FROM (
          SELECT
            *
          FROM "live_events" AS "t0"
          WHERE
            "t0"."session_id" = 's1'
            AND "t0"."ts" <= 3600000
            AND "t0"."type" = 'refund'
            AND "t0"."order_id" IS NOT NULL
        ) AS "t9"
        LEFT OUTER JOIN (
          SELECT
            "t15"."order_id" AS "_order",
            "t15"."amount_fen" AS "_paid",
            "t15"."product_id" AS "_product"
          FROM "t14" AS "t15"
          WHERE
            "t15"."rank" = 0
        ) AS "t25"
          ON "t9"."order_id" = "t25"."_order"
      ) AS "t35"
    ) AS "t40"
  ) AS "t49"
) AS "t54"
CROSS JOIN (
  SELECT
    COUNT(DISTINCT "t33"."order_id") FILTER(WHERE
      (
        "t33"."ts" > -1
      )
      AND (
        "t33"."ts" <= 3600000
      )
      AND NOT (
        "t33"."is_paid"
      )) AS "r0__unpaid_orders"
  FROM (
    SELECT
      "t8"."order_id",
      "t8"."ts",
      "t8"."product_id",
      "t8"."event_id",
      "t23"."_order" IS NOT NULL AS "is_paid"
    FROM (
      SELECT
        *
      FROM "live_events" AS "t0"
      WHERE
        "t0"."session_id" = 's1'
        AND "t0"."ts" <= 3600000
        AND "t0"."type" = 'order_created'
        AND "t0"."order_id" IS NOT NULL
    ) AS "t8"
    LEFT OUTER JOIN (
      SELECT
        "t15"."order_id" AS "_order"
      FROM "t14" AS "t15"
      WHERE
        "t15"."rank" = 0
    ) AS "t23"
      ON "t8"."order_id" = "t23"."_order"
  ) AS "t33"
) AS "t44"
