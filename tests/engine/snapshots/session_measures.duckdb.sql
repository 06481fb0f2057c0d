WITH "t10" AS (
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
), "t12" AS (
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
), "t20" AS (
  SELECT
    "t11"."user_id",
    "t11"."event_id",
    "t11"."ts" AS "a",
    GREATEST("t11"."ts", LEAST(COALESCE("t11"."next_ts", 3600000), 3600000)) AS "e"
  FROM "t10" AS "t11"
  WHERE
    "t11"."type" = 'enter'
)
SELECT
  "t15"."r0__impression_pv",
  "t15"."r0__enter_pv",
  "t15"."r0__comment_pv",
  "t15"."r0__negative_pv",
  "t15"."r0__impression_uv",
  "t15"."r0__enter_uv",
  "t15"."r0__comment_uv",
  "t15"."r0__share_uv",
  "t15"."r0__interact_uv",
  "t15"."r0__follow_uv",
  "t15"."r0__fans_club_uv",
  "t15"."r0__product_impression_uv",
  "t15"."r0__product_click_uv",
  "t15"."r0__enter_pv_natural",
  "t15"."r0__enter_pv_private",
  "t15"."r0__enter_pv_paid",
  "t15"."r0__created_orders",
  "t15"."r0__ad_cost_fen",
  "t42"."r0__watch_ms",
  "t42"."r0__present_uv",
  "t42"."r0__long_visits",
  "t49"."r0__peak_online",
  "t49"."r0__online_at_end",
  "t34"."r0__orphan_leaves",
  "t52"."r0__paid_orders",
  "t52"."r0__pay_gmv_fen",
  "t52"."r0__pay_items",
  "t52"."r0__pay_uv",
  "t52"."r0__ad_gmv_fen",
  "t52"."r0__follower_pay_uv",
  "t26"."r0__repeated_payments",
  "t50"."r0__refund_fen",
  "t50"."r0__refund_cut_fen",
  "t40"."r0__unpaid_orders"
FROM (
  SELECT
    COUNT("t1"."event_id") FILTER(WHERE
      (
        "t1"."ts" > -1
      )
      AND (
        "t1"."ts" <= 3600000
      )
      AND (
        "t1"."type" = 'impression'
      )) AS "r0__impression_pv",
    COUNT("t1"."event_id") FILTER(WHERE
      (
        "t1"."ts" > -1
      )
      AND (
        "t1"."ts" <= 3600000
      )
      AND (
        "t1"."type" = 'enter'
      )) AS "r0__enter_pv",
    COUNT("t1"."event_id") FILTER(WHERE
      (
        "t1"."ts" > -1
      )
      AND (
        "t1"."ts" <= 3600000
      )
      AND (
        "t1"."type" = 'comment'
      )) AS "r0__comment_pv",
    COUNT("t1"."event_id") FILTER(WHERE
      (
        "t1"."ts" > -1
      )
      AND (
        "t1"."ts" <= 3600000
      )
      AND (
        "t1"."type" = 'negative_feedback'
      )) AS "r0__negative_pv",
    COUNT(DISTINCT "t1"."user_id") FILTER(WHERE
      (
        "t1"."ts" > -1
      )
      AND (
        "t1"."ts" <= 3600000
      )
      AND "t1"."type" IN ('impression')) AS "r0__impression_uv",
    COUNT(DISTINCT "t1"."user_id") FILTER(WHERE
      (
        "t1"."ts" > -1
      ) AND (
        "t1"."ts" <= 3600000
      ) AND "t1"."type" IN ('enter')) AS "r0__enter_uv",
    COUNT(DISTINCT "t1"."user_id") FILTER(WHERE
      (
        "t1"."ts" > -1
      ) AND (
        "t1"."ts" <= 3600000
      ) AND "t1"."type" IN ('comment')) AS "r0__comment_uv",
    COUNT(DISTINCT "t1"."user_id") FILTER(WHERE
      (
        "t1"."ts" > -1
      ) AND (
        "t1"."ts" <= 3600000
      ) AND "t1"."type" IN ('share')) AS "r0__share_uv",
    COUNT(DISTINCT "t1"."user_id") FILTER(WHERE
      (
        "t1"."ts" > -1
      )
      AND (
        "t1"."ts" <= 3600000
      )
      AND "t1"."type" IN ('like', 'comment', 'share')) AS "r0__interact_uv",
    COUNT(DISTINCT "t1"."user_id") FILTER(WHERE
      (
        "t1"."ts" > -1
      ) AND (
        "t1"."ts" <= 3600000
      ) AND "t1"."type" IN ('follow')) AS "r0__follow_uv",
    COUNT(DISTINCT "t1"."user_id") FILTER(WHERE
      (
        "t1"."ts" > -1
      )
      AND (
        "t1"."ts" <= 3600000
      )
      AND "t1"."type" IN ('fans_club_join')) AS "r0__fans_club_uv",
    COUNT(DISTINCT "t1"."user_id") FILTER(WHERE
      (
        "t1"."ts" > -1
      )
      AND (
        "t1"."ts" <= 3600000
      )
      AND "t1"."type" IN ('product_impression')) AS "r0__product_impression_uv",
    COUNT(DISTINCT "t1"."user_id") FILTER(WHERE
      (
        "t1"."ts" > -1
      )
      AND (
        "t1"."ts" <= 3600000
      )
      AND "t1"."type" IN ('product_click')) AS "r0__product_click_uv",
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
      "t0"."session_id" = 's1' AND "t0"."ts" <= 3600000
  ) AS "t1"
) AS "t15"
CROSS JOIN (
  SELECT
    COALESCE(SUM(GREATEST(LEAST("t27"."stop", 3600000) - GREATEST("t27"."a", -1), 0)), 0) AS "r0__watch_ms",
    COUNT(DISTINCT "t27"."user_id") FILTER(WHERE
      (
        (
          "t27"."a" > -1
        ) AND (
          "t27"."a" <= 3600000
        )
      )
      OR (
        GREATEST(LEAST("t27"."stop", 3600000) - GREATEST("t27"."a", -1), 0) > 0
      )) AS "r0__present_uv",
    COUNT("t27"."a") FILTER(WHERE
      (
        "t27"."a" > -1
      )
      AND (
        "t27"."a" <= 3600000
      )
      AND (
        (
          "t27"."stop" - "t27"."a"
        ) > 60000
      )) AS "r0__long_visits"
  FROM (
    SELECT
      "t24"."user_id",
      "t24"."event_id",
      "t24"."a",
      "t24"."e",
      COALESCE("t24"."e", 3600000) AS "stop",
      "t24"."e" IS NULL AS "is_open"
    FROM "t20" AS "t24"
  ) AS "t27"
) AS "t42"
CROSS JOIN (
  SELECT
    GREATEST(
      COALESCE(SUM("t43"."step") FILTER(WHERE
        "t43"."t" <= -1), 0),
      COALESCE(
        MAX("t43"."online") FILTER(WHERE
          (
            "t43"."t" > -1
          ) AND (
            "t43"."t" <= 3600000
          )),
        0
      )
    ) AS "r0__peak_online",
    COALESCE(SUM("t43"."step") FILTER(WHERE
      "t43"."t" <= 3600000), 0) AS "r0__online_at_end"
  FROM (
    SELECT
      "t37"."t",
      "t37"."step",
      SUM("t37"."step") OVER (ORDER BY "t37"."t" ASC ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS "online"
    FROM (
      SELECT
        "t35"."t",
        SUM("t35"."step") AS "step"
      FROM (
        SELECT
          *
        FROM (
          SELECT
            "t24"."a" AS "t",
            1 AS "step"
          FROM "t20" AS "t24"
          WHERE
            (
              "t24"."e" IS NULL
            ) OR (
              "t24"."e" > "t24"."a"
            )
        ) AS "t32"
        UNION ALL
        SELECT
          *
        FROM (
          SELECT
            "t24"."e" AS "t",
            -1 AS "step"
          FROM "t20" AS "t24"
          WHERE
            (
              (
                "t24"."e" IS NULL
              ) OR (
                "t24"."e" > "t24"."a"
              )
            )
            AND "t24"."e" IS NOT NULL
        ) AS "t33"
      ) AS "t35"
      GROUP BY
        1
    ) AS "t37"
  ) AS "t43"
) AS "t49"
CROSS JOIN (
  SELECT
    COUNT("t16"."event_id") FILTER(WHERE
      (
        "t16"."ts" > -1
      ) AND (
        "t16"."ts" <= 3600000
      )) AS "r0__orphan_leaves"
  FROM (
    SELECT
      *
    FROM "t10" AS "t11"
    WHERE
      "t11"."type" = 'leave'
      AND (
        (
          "t11"."prev_type" IS NULL
        ) OR (
          "t11"."prev_type" <> 'enter'
        )
      )
  ) AS "t16"
) AS "t34"
CROSS JOIN (
  SELECT
    COUNT("t46"."order_id") FILTER(WHERE
      (
        "t46"."pay_ts" > -1
      ) AND (
        "t46"."pay_ts" <= 3600000
      )) AS "r0__paid_orders",
    COALESCE(
      SUM("t46"."amount_fen") FILTER(WHERE
        (
          "t46"."pay_ts" > -1
        ) AND (
          "t46"."pay_ts" <= 3600000
        )),
      0
    ) AS "r0__pay_gmv_fen",
    COALESCE(
      SUM("t46"."quantity") FILTER(WHERE
        (
          "t46"."pay_ts" > -1
        ) AND (
          "t46"."pay_ts" <= 3600000
        )),
      0
    ) AS "r0__pay_items",
    COUNT(DISTINCT "t46"."buyer") FILTER(WHERE
      (
        "t46"."pay_ts" > -1
      ) AND (
        "t46"."pay_ts" <= 3600000
      )) AS "r0__pay_uv",
    COALESCE(
      SUM("t46"."amount_fen") FILTER(WHERE
        (
          "t46"."pay_ts" > -1
        )
        AND (
          "t46"."pay_ts" <= 3600000
        )
        AND (
          "t46"."entry_class" = 'paid'
        )),
      0
    ) AS "r0__ad_gmv_fen",
    COUNT(DISTINCT "t46"."buyer") FILTER(WHERE
      (
        "t46"."pay_ts" > -1
      )
      AND (
        "t46"."pay_ts" <= 3600000
      )
      AND (
        "t46"."first_in_range" = 0
      )
      AND "t46"."entry_follower") AS "r0__follower_pay_uv"
  FROM (
    SELECT
      "t44"."order_id",
      "t44"."amount_fen",
      "t44"."quantity",
      "t44"."product_id",
      "t44"."pay_ts",
      "t44"."pay_id",
      "t44"."buyer",
      "t44"."entry_source",
      "t44"."entry_class",
      "t44"."entry_follower",
      "t44"."_span",
      ROW_NUMBER() OVER (
        PARTITION BY "t44"."buyer", "t44"."_span"
        ORDER BY "t44"."pay_ts" ASC, "t44"."pay_id" ASC
        ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
      ) - 1 AS "first_in_range"
    FROM (
      SELECT
        "t38"."order_id",
        "t38"."amount_fen",
        "t38"."quantity",
        "t38"."product_id",
        "t38"."pay_ts",
        "t38"."pay_id",
        "t38"."buyer",
        "t38"."entry_source",
        CASE
          WHEN "t38"."entry_source" IN ('follow', 'private_share', 'profile')
          THEN 'private'
          WHEN "t38"."entry_source" IN ('paid_fentiao', 'paid_jinniu')
          THEN 'paid'
          ELSE 'natural'
        END AS "entry_class",
        COALESCE("t38"."entry_follower", FALSE) AS "entry_follower",
        CASE
          WHEN (
            "t38"."pay_ts" > -1
          ) AND (
            "t38"."pay_ts" <= 3600000
          )
          THEN 0
          ELSE -1
        END AS "_span"
      FROM (
        SELECT
          "t30"."order_id",
          "t30"."amount_fen",
          "t30"."quantity",
          "t30"."product_id",
          "t30"."pay_ts",
          "t30"."pay_id",
          "t30"."buyer",
          "t30"."_ts",
          "t30"."_id",
          "t30"."entry_source",
          "t30"."entry_follower",
          ROW_NUMBER() OVER (
            PARTITION BY "t30"."order_id"
            ORDER BY "t30"."_ts" DESC, "t30"."_id" DESC
            ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
          ) - 1 AS "_pick"
        FROM (
          SELECT
            "t22"."order_id",
            "t22"."amount_fen",
            "t22"."quantity",
            "t22"."product_id",
            "t22"."pay_ts",
            "t22"."pay_id",
            "t22"."buyer",
            "t7"."_ts",
            "t7"."_id",
            "t7"."entry_source",
            "t7"."entry_follower"
          FROM (
            SELECT
              "t13"."order_id",
              "t13"."amount_fen",
              "t13"."quantity",
              "t13"."product_id",
              "t13"."ts" AS "pay_ts",
              "t13"."event_id" AS "pay_id",
              "t13"."user_id" AS "buyer"
            FROM "t12" AS "t13"
            WHERE
              "t13"."rank" = 0
          ) AS "t22"
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
            ON "t22"."buyer" = "t7"."_user" AND "t7"."_ts" <= "t22"."pay_ts"
        ) AS "t30"
      ) AS "t38"
      WHERE
        "t38"."_pick" = 0
    ) AS "t44"
  ) AS "t46"
) AS "t52"
CROSS JOIN (
  SELECT
    COUNT("t13"."event_id") FILTER(WHERE
      (
        "t13"."ts" > -1
      ) AND (
        "t13"."ts" <= 3600000
      ) AND (
        "t13"."rank" > 0
      )) AS "r0__repeated_payments"
  FROM "t12" AS "t13"
) AS "t26"
CROSS JOIN (
  SELECT
    COALESCE(
      SUM("t45"."counted") FILTER(WHERE
        (
          "t45"."ts" > -1
        ) AND (
          "t45"."ts" <= 3600000
        )),
      0
    ) AS "r0__refund_fen",
    COALESCE(
      SUM("t45"."amount_fen" - "t45"."counted") FILTER(WHERE
        (
          "t45"."ts" > -1
        ) AND (
          "t45"."ts" <= 3600000
        )),
      0
    ) AS "r0__refund_cut_fen"
  FROM (
    SELECT
      "t36"."order_id",
      "t36"."event_id",
      "t36"."ts",
      "t36"."amount_fen",
      "t36"."_product" AS "product_id",
      CASE
        WHEN "t36"."_paid" IS NULL
        THEN 0
        ELSE LEAST("t36"."_paid", "t36"."_total") - LEAST("t36"."_paid", "t36"."_total" - "t36"."amount_fen")
      END AS "counted"
    FROM (
      SELECT
        "t31"."order_id",
        "t31"."event_id",
        "t31"."ts",
        "t31"."amount_fen",
        "t31"."_paid",
        "t31"."_product",
        SUM("t31"."amount_fen") OVER (
          PARTITION BY "t31"."order_id"
          ORDER BY "t31"."ts" ASC, "t31"."event_id" ASC
          ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
        ) AS "_total"
      FROM (
        SELECT
          "t9"."order_id",
          "t9"."event_id",
          "t9"."ts",
          "t9"."amount_fen",
          "t23"."_paid",
          "t23"."_product"
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
            "t13"."order_id" AS "_order",
            "t13"."amount_fen" AS "_paid",
            "t13"."product_id" AS "_product"
          FROM "t12" AS "t13"
          WHERE
            "t13"."rank" = 0
        ) AS "t23"
          ON "t9"."order_id" = "t23"."_order"
      ) AS "t31"
    ) AS "t36"
  ) AS "t45"
) AS "t50"
CROSS JOIN (
  SELECT
    COUNT(DISTINCT "t29"."order_id") FILTER(WHERE
      (
        "t29"."ts" > -1
      )
      AND (
        "t29"."ts" <= 3600000
      )
      AND NOT (
        "t29"."is_paid"
      )) AS "r0__unpaid_orders"
  FROM (
    SELECT
      "t8"."order_id",
      "t8"."ts",
      "t8"."product_id",
      "t8"."event_id",
      "t21"."_order" IS NOT NULL AS "is_paid"
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
        "t13"."order_id" AS "_order"
      FROM "t12" AS "t13"
      WHERE
        "t13"."rank" = 0
    ) AS "t21"
      ON "t8"."order_id" = "t21"."_order"
  ) AS "t29"
) AS "t40"
