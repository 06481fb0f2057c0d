WITH `product_events` AS (
  SELECT
    's1' AS `session_id`,
    `t0`.`type`,
    `t0`.`user_id`,
    `t0`.`product_id`
  FROM `live_events` AS `t0`
  WHERE
    `t0`.`session_id` = 's1'
    AND `t0`.`ts` <= 3600000
    AND `t0`.`product_id` IS NOT NULL
), `sparse_events` AS (
  SELECT
    `t0`.`event_id`,
    `t0`.`ts`,
    `t0`.`type`,
    `t0`.`user_id`,
    `t0`.`source`,
    `t0`.`is_follower`,
    `t0`.`product_id`,
    `t0`.`order_id`,
    `t0`.`quantity`,
    `t0`.`amount_fen`
  FROM `live_events` AS `t0`
  WHERE
    `t0`.`session_id` = 's1'
    AND `t0`.`ts` <= 3600000
    AND NOT (
      `t0`.`type` IN ('impression', 'like', 'product_impression')
    )
), `t33` AS (
  SELECT
    `t16`.`session_id`,
    `t16`.`event_id`,
    `t16`.`ts`,
    `t16`.`type`,
    `t16`.`user_id`,
    `t16`.`source`,
    `t16`.`is_follower`,
    `t16`.`product_id`,
    `t16`.`order_id`,
    `t16`.`quantity`,
    `t16`.`amount_fen`,
    `t16`.`scope_start`,
    `t16`.`scope_end`,
    `t16`.`scope_as_of`,
    LEAD(`t16`.`ts`) OVER (
      PARTITION BY `t16`.`user_id`
      ORDER BY `t16`.`ts` ASC NULLS LAST, `t16`.`event_id` ASC NULLS LAST
    ) AS `next_ts`,
    LAG(`t16`.`type`) OVER (
      PARTITION BY `t16`.`user_id`
      ORDER BY `t16`.`ts` ASC NULLS LAST, `t16`.`event_id` ASC NULLS LAST
    ) AS `prev_type`
  FROM (
    SELECT
      's1' AS `session_id`,
      `t8`.`event_id`,
      `t8`.`ts`,
      `t8`.`type`,
      `t8`.`user_id`,
      `t8`.`source`,
      `t8`.`is_follower`,
      `t8`.`product_id`,
      `t8`.`order_id`,
      `t8`.`quantity`,
      `t8`.`amount_fen`,
      0 AS `scope_start`,
      3600000 AS `scope_end`,
      3600000 AS `scope_as_of`
    FROM `sparse_events` AS `t8`
    WHERE
      `t8`.`type` IN ('enter', 'leave') AND `t8`.`user_id` IS NOT NULL
  ) AS `t16`
), `t38` AS (
  SELECT
    `t20`.`session_id`,
    `t20`.`event_id`,
    `t20`.`ts`,
    `t20`.`type`,
    `t20`.`user_id`,
    `t20`.`source`,
    `t20`.`is_follower`,
    `t20`.`product_id`,
    `t20`.`order_id`,
    `t20`.`quantity`,
    `t20`.`amount_fen`,
    `t20`.`scope_start`,
    `t20`.`scope_end`,
    `t20`.`scope_as_of`,
    ROW_NUMBER() OVER (
      PARTITION BY `t20`.`order_id`
      ORDER BY `t20`.`ts` ASC NULLS LAST, `t20`.`event_id` ASC NULLS LAST
    ) - 1 AS `rank`
  FROM (
    SELECT
      's1' AS `session_id`,
      `t8`.`event_id`,
      `t8`.`ts`,
      `t8`.`type`,
      `t8`.`user_id`,
      `t8`.`source`,
      `t8`.`is_follower`,
      `t8`.`product_id`,
      `t8`.`order_id`,
      `t8`.`quantity`,
      `t8`.`amount_fen`,
      0 AS `scope_start`,
      3600000 AS `scope_end`,
      3600000 AS `scope_as_of`
    FROM `sparse_events` AS `t8`
    WHERE
      `t8`.`type` = 'order_paid' AND `t8`.`order_id` IS NOT NULL
  ) AS `t20`
), `t47` AS (
  SELECT
    `t41`.`session_id`,
    `t41`.`order_id`,
    `t41`.`amount_fen`,
    `t41`.`quantity`,
    `t41`.`product_id`,
    `t41`.`ts` AS `pay_ts`,
    `t41`.`event_id` AS `pay_id`,
    `t41`.`user_id` AS `buyer`
  FROM `t38` AS `t41`
  WHERE
    `t41`.`rank` = 0
), `t58` AS (
  SELECT
    `t37`.`session_id`,
    `t37`.`user_id`,
    `t37`.`event_id`,
    `t37`.`scope_as_of`,
    `t37`.`ts` AS `a`,
    CASE
      WHEN `t37`.`scope_end` IS NULL
      THEN `t37`.`next_ts`
      ELSE GREATEST(`t37`.`ts`, LEAST(COALESCE(`t37`.`next_ts`, `t37`.`scope_end`), `t37`.`scope_end`))
    END AS `e`
  FROM `t33` AS `t37`
  WHERE
    `t37`.`type` = 'enter'
), `t68` AS (
  SELECT
    `t26`.`session_id`,
    `t26`.`order_id`,
    `t26`.`ts`,
    `t26`.`product_id`,
    `t26`.`event_id`,
    `t55`.`_order` IS NOT NULL AS `is_paid`
  FROM (
    SELECT
      's1' AS `session_id`,
      `t8`.`event_id`,
      `t8`.`ts`,
      `t8`.`type`,
      `t8`.`user_id`,
      `t8`.`source`,
      `t8`.`is_follower`,
      `t8`.`product_id`,
      `t8`.`order_id`,
      `t8`.`quantity`,
      `t8`.`amount_fen`,
      0 AS `scope_start`,
      3600000 AS `scope_end`,
      3600000 AS `scope_as_of`
    FROM `sparse_events` AS `t8`
    WHERE
      `t8`.`type` = 'order_created' AND `t8`.`order_id` IS NOT NULL
  ) AS `t26`
  LEFT OUTER JOIN (
    SELECT
      `t41`.`session_id` AS `_session`,
      `t41`.`order_id` AS `_order`
    FROM `t38` AS `t41`
    WHERE
      `t41`.`rank` = 0
  ) AS `t55`
    ON `t26`.`session_id` = `t55`.`_session` AND `t26`.`order_id` = `t55`.`_order`
), `t84` AS (
  SELECT
    *
  FROM (
    SELECT
      `t61`.`session_id`,
      `t61`.`a` AS `t`,
      1 AS `step`
    FROM `t58` AS `t61`
    WHERE
      (
        `t61`.`e` IS NULL
      ) OR (
        `t61`.`e` > `t61`.`a`
      )
  ) AS `t79`
  UNION ALL
  SELECT
    *
  FROM (
    SELECT
      `t61`.`session_id`,
      `t61`.`e` AS `t`,
      -1 AS `step`
    FROM `t58` AS `t61`
    WHERE
      (
        (
          `t61`.`e` IS NULL
        ) OR (
          `t61`.`e` > `t61`.`a`
        )
      )
      AND `t61`.`e` IS NOT NULL
  ) AS `t80`
), `t87` AS (
  SELECT
    `t69`.`session_id`,
    `t69`.`order_id`,
    `t69`.`event_id`,
    `t69`.`ts`,
    `t69`.`amount_fen`,
    `t69`.`_paid`,
    `t69`.`_product`,
    SUM(`t69`.`amount_fen`) OVER (
      PARTITION BY `t69`.`order_id`
      ORDER BY `t69`.`ts` ASC NULLS LAST, `t69`.`event_id` ASC NULLS LAST
      ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
    ) AS `_total`
  FROM (
    SELECT
      `t27`.`session_id`,
      `t27`.`order_id`,
      `t27`.`event_id`,
      `t27`.`ts`,
      `t27`.`amount_fen`,
      `t56`.`_paid`,
      `t56`.`_product`
    FROM (
      SELECT
        's1' AS `session_id`,
        `t8`.`event_id`,
        `t8`.`ts`,
        `t8`.`type`,
        `t8`.`user_id`,
        `t8`.`source`,
        `t8`.`is_follower`,
        `t8`.`product_id`,
        `t8`.`order_id`,
        `t8`.`quantity`,
        `t8`.`amount_fen`,
        0 AS `scope_start`,
        3600000 AS `scope_end`,
        3600000 AS `scope_as_of`
      FROM `sparse_events` AS `t8`
      WHERE
        `t8`.`type` = 'refund' AND `t8`.`order_id` IS NOT NULL
    ) AS `t27`
    LEFT OUTER JOIN (
      SELECT
        `t41`.`session_id` AS `_session`,
        `t41`.`order_id` AS `_order`,
        `t41`.`amount_fen` AS `_paid`,
        `t41`.`product_id` AS `_product`
      FROM `t38` AS `t41`
      WHERE
        `t41`.`rank` = 0
    ) AS `t56`
      ON `t27`.`session_id` = `t56`.`_session` AND `t27`.`order_id` = `t56`.`_order`
  ) AS `t69`
), `t91` AS (
  SELECT
    `t75`.`session_id`,
    `t75`.`order_id`,
    `t75`.`amount_fen`,
    `t75`.`quantity`,
    `t75`.`product_id`,
    `t75`.`pay_ts`,
    `t75`.`pay_id`,
    `t75`.`buyer`,
    `t75`.`_ts`,
    `t75`.`_id`,
    `t75`.`entry_source`,
    `t75`.`entry_follower`,
    ROW_NUMBER() OVER (PARTITION BY `t75`.`order_id` ORDER BY `t75`.`_ts` DESC, `t75`.`_id` DESC) - 1 AS `_pick`
  FROM (
    SELECT
      `t59`.`session_id`,
      `t59`.`order_id`,
      `t59`.`amount_fen`,
      `t59`.`quantity`,
      `t59`.`product_id`,
      `t59`.`pay_ts`,
      `t59`.`pay_id`,
      `t59`.`buyer`,
      `t25`.`_ts`,
      `t25`.`_id`,
      `t25`.`entry_source`,
      `t25`.`entry_follower`
    FROM `t47` AS `t59`
    LEFT OUTER JOIN (
      SELECT
        's1' AS `_session`,
        `t8`.`user_id` AS `_user`,
        `t8`.`ts` AS `_ts`,
        `t8`.`event_id` AS `_id`,
        `t8`.`source` AS `entry_source`,
        COALESCE(`t8`.`is_follower`, FALSE) AS `entry_follower`
      FROM `sparse_events` AS `t8`
      WHERE
        `t8`.`type` = 'enter'
    ) AS `t25`
      ON `t59`.`session_id` = `t25`.`_session`
      AND `t59`.`buyer` = `t25`.`_user`
      AND `t25`.`_ts` <= `t59`.`pay_ts`
  ) AS `t75`
)
SELECT
  `t176`.`session_id`,
  `t176`.`r0__impression_pv`,
  `t176`.`r0__enter_pv`,
  `t176`.`r0__comment_pv`,
  `t176`.`r0__negative_pv`,
  `t176`.`r0__ad_cost_fen`,
  `t176`.`r0__impression_uv`,
  `t176`.`r0__enter_uv`,
  `t176`.`r0__comment_uv`,
  `t176`.`r0__share_uv`,
  `t176`.`r0__interact_uv`,
  `t176`.`r0__follow_uv`,
  `t176`.`r0__fans_club_uv`,
  `t176`.`r0__product_impression_uv`,
  `t176`.`r0__product_click_uv`,
  `t176`.`r0__enter_pv_natural`,
  `t176`.`r0__enter_pv_private`,
  `t176`.`r0__enter_pv_paid`,
  `t176`.`r0__watch_ms`,
  `t176`.`r0__present_uv`,
  `t176`.`r0__long_visits`,
  `t176`.`r0__peak_online`,
  `t176`.`r0__online_at_end`,
  `t176`.`r0__orphan_leaves`,
  `t176`.`r0__paid_orders`,
  `t176`.`r0__pay_gmv_fen`,
  `t176`.`r0__pay_items`,
  `t176`.`r0__pay_uv`,
  `t176`.`r0__ad_gmv_fen`,
  `t176`.`r0__follower_pay_uv`,
  `t176`.`r0__repeated_payments`,
  `t176`.`r0__refund_fen`,
  `t176`.`r0__refund_cut_fen`,
  `t176`.`r0__created_orders`,
  `t176`.`r0__unpaid_orders`,
  `t176`.`series`,
  `t176`.`products`,
  `t176`.`sources`,
  `t176`.`explanations`,
  `t176`.`markers`
FROM (
  SELECT
    `t175`.`session_id`,
    `t175`.`r0__impression_pv`,
    `t175`.`r0__enter_pv`,
    `t175`.`r0__comment_pv`,
    `t175`.`r0__negative_pv`,
    `t175`.`r0__ad_cost_fen`,
    `t175`.`r0__impression_uv`,
    `t175`.`r0__enter_uv`,
    `t175`.`r0__comment_uv`,
    `t175`.`r0__share_uv`,
    `t175`.`r0__interact_uv`,
    `t175`.`r0__follow_uv`,
    `t175`.`r0__fans_club_uv`,
    `t175`.`r0__product_impression_uv`,
    `t175`.`r0__product_click_uv`,
    `t175`.`r0__enter_pv_natural`,
    `t175`.`r0__enter_pv_private`,
    `t175`.`r0__enter_pv_paid`,
    `t175`.`r0__watch_ms`,
    `t175`.`r0__present_uv`,
    `t175`.`r0__long_visits`,
    `t175`.`r0__peak_online`,
    `t175`.`r0__online_at_end`,
    `t175`.`r0__orphan_leaves`,
    `t175`.`r0__paid_orders`,
    `t175`.`r0__pay_gmv_fen`,
    `t175`.`r0__pay_items`,
    `t175`.`r0__pay_uv`,
    `t175`.`r0__ad_gmv_fen`,
    `t175`.`r0__follower_pay_uv`,
    `t175`.`r0__repeated_payments`,
    `t175`.`r0__refund_fen`,
    `t175`.`r0__refund_cut_fen`,
    `t175`.`r0__created_orders`,
    `t175`.`r0__unpaid_orders`,
    `t175`.`series`,
    `t175`.`products`,
    `t175`.`sources`,
    `t175`.`explanations`,
    `t22`.`_sid4`,
    `t22`.`markers`
  FROM (
    SELECT
      `t173`.`session_id`,
      `t173`.`r0__impression_pv`,
      `t173`.`r0__enter_pv`,
      `t173`.`r0__comment_pv`,
      `t173`.`r0__negative_pv`,
      `t173`.`r0__ad_cost_fen`,
      `t173`.`r0__impression_uv`,
      `t173`.`r0__enter_uv`,
      `t173`.`r0__comment_uv`,
      `t173`.`r0__share_uv`,
      `t173`.`r0__interact_uv`,
      `t173`.`r0__follow_uv`,
      `t173`.`r0__fans_club_uv`,
      `t173`.`r0__product_impression_uv`,
      `t173`.`r0__product_click_uv`,
      `t173`.`r0__enter_pv_natural`,
      `t173`.`r0__enter_pv_private`,
      `t173`.`r0__enter_pv_paid`,
      `t173`.`r0__watch_ms`,
      `t173`.`r0__present_uv`,
      `t173`.`r0__long_visits`,
      `t173`.`r0__peak_online`,
      `t173`.`r0__online_at_end`,
      `t173`.`r0__orphan_leaves`,
      `t173`.`r0__paid_orders`,
      `t173`.`r0__pay_gmv_fen`,
      `t173`.`r0__pay_items`,
      `t173`.`r0__pay_uv`,
      `t173`.`r0__ad_gmv_fen`,
      `t173`.`r0__follower_pay_uv`,
      `t173`.`r0__repeated_payments`,
      `t173`.`r0__refund_fen`,
      `t173`.`r0__refund_cut_fen`,
      `t173`.`r0__created_orders`,
      `t173`.`r0__unpaid_orders`,
      `t173`.`series`,
      `t173`.`products`,
      `t173`.`sources`,
      `t173`.`explanations`
    FROM (
      SELECT
        `t172`.`session_id`,
        `t172`.`r0__impression_pv`,
        `t172`.`r0__enter_pv`,
        `t172`.`r0__comment_pv`,
        `t172`.`r0__negative_pv`,
        `t172`.`r0__ad_cost_fen`,
        `t172`.`r0__impression_uv`,
        `t172`.`r0__enter_uv`,
        `t172`.`r0__comment_uv`,
        `t172`.`r0__share_uv`,
        `t172`.`r0__interact_uv`,
        `t172`.`r0__follow_uv`,
        `t172`.`r0__fans_club_uv`,
        `t172`.`r0__product_impression_uv`,
        `t172`.`r0__product_click_uv`,
        `t172`.`r0__enter_pv_natural`,
        `t172`.`r0__enter_pv_private`,
        `t172`.`r0__enter_pv_paid`,
        `t172`.`r0__watch_ms`,
        `t172`.`r0__present_uv`,
        `t172`.`r0__long_visits`,
        `t172`.`r0__peak_online`,
        `t172`.`r0__online_at_end`,
        `t172`.`r0__orphan_leaves`,
        `t172`.`r0__paid_orders`,
        `t172`.`r0__pay_gmv_fen`,
        `t172`.`r0__pay_items`,
        `t172`.`r0__pay_uv`,
        `t172`.`r0__ad_gmv_fen`,
        `t172`.`r0__follower_pay_uv`,
        `t172`.`r0__repeated_payments`,
        `t172`.`r0__refund_fen`,
        `t172`.`r0__refund_cut_fen`,
        `t172`.`r0__created_orders`,
        `t172`.`r0__unpaid_orders`,
        `t172`.`series`,
        `t172`.`products`,
        `t172`.`sources`,
        `t88`.`_sid3`,
        `t88`.`explanations`
      FROM (
        SELECT
          `t170`.`session_id`,
          `t170`.`r0__impression_pv`,
          `t170`.`r0__enter_pv`,
          `t170`.`r0__comment_pv`,
          `t170`.`r0__negative_pv`,
          `t170`.`r0__ad_cost_fen`,
          `t170`.`r0__impression_uv`,
          `t170`.`r0__enter_uv`,
          `t170`.`r0__comment_uv`,
          `t170`.`r0__share_uv`,
          `t170`.`r0__interact_uv`,
          `t170`.`r0__follow_uv`,
          `t170`.`r0__fans_club_uv`,
          `t170`.`r0__product_impression_uv`,
          `t170`.`r0__product_click_uv`,
          `t170`.`r0__enter_pv_natural`,
          `t170`.`r0__enter_pv_private`,
          `t170`.`r0__enter_pv_paid`,
          `t170`.`r0__watch_ms`,
          `t170`.`r0__present_uv`,
          `t170`.`r0__long_visits`,
          `t170`.`r0__peak_online`,
          `t170`.`r0__online_at_end`,
          `t170`.`r0__orphan_leaves`,
          `t170`.`r0__paid_orders`,
          `t170`.`r0__pay_gmv_fen`,
          `t170`.`r0__pay_items`,
          `t170`.`r0__pay_uv`,
          `t170`.`r0__ad_gmv_fen`,
          `t170`.`r0__follower_pay_uv`,
          `t170`.`r0__repeated_payments`,
          `t170`.`r0__refund_fen`,
          `t170`.`r0__refund_cut_fen`,
          `t170`.`r0__created_orders`,
          `t170`.`r0__unpaid_orders`,
          `t170`.`series`,
          `t170`.`products`,
          `t170`.`sources`
        FROM (
          SELECT
            `t169`.`session_id`,
            `t169`.`r0__impression_pv`,
            `t169`.`r0__enter_pv`,
            `t169`.`r0__comment_pv`,
            `t169`.`r0__negative_pv`,
            `t169`.`r0__ad_cost_fen`,
            `t169`.`r0__impression_uv`,
            `t169`.`r0__enter_uv`,
            `t169`.`r0__comment_uv`,
            `t169`.`r0__share_uv`,
            `t169`.`r0__interact_uv`,
            `t169`.`r0__follow_uv`,
            `t169`.`r0__fans_club_uv`,
            `t169`.`r0__product_impression_uv`,
            `t169`.`r0__product_click_uv`,
            `t169`.`r0__enter_pv_natural`,
            `t169`.`r0__enter_pv_private`,
            `t169`.`r0__enter_pv_paid`,
            `t169`.`r0__watch_ms`,
            `t169`.`r0__present_uv`,
            `t169`.`r0__long_visits`,
            `t169`.`r0__peak_online`,
            `t169`.`r0__online_at_end`,
            `t169`.`r0__orphan_leaves`,
            `t169`.`r0__paid_orders`,
            `t169`.`r0__pay_gmv_fen`,
            `t169`.`r0__pay_items`,
            `t169`.`r0__pay_uv`,
            `t169`.`r0__ad_gmv_fen`,
            `t169`.`r0__follower_pay_uv`,
            `t169`.`r0__repeated_payments`,
            `t169`.`r0__refund_fen`,
            `t169`.`r0__refund_cut_fen`,
            `t169`.`r0__created_orders`,
            `t169`.`r0__unpaid_orders`,
            `t169`.`series`,
            `t169`.`products`,
            `t146`.`_sid2`,
            `t146`.`sources`
          FROM (
            SELECT
              `t167`.`session_id`,
              `t167`.`r0__impression_pv`,
              `t167`.`r0__enter_pv`,
              `t167`.`r0__comment_pv`,
              `t167`.`r0__negative_pv`,
              `t167`.`r0__ad_cost_fen`,
              `t167`.`r0__impression_uv`,
              `t167`.`r0__enter_uv`,
              `t167`.`r0__comment_uv`,
              `t167`.`r0__share_uv`,
              `t167`.`r0__interact_uv`,
              `t167`.`r0__follow_uv`,
              `t167`.`r0__fans_club_uv`,
              `t167`.`r0__product_impression_uv`,
              `t167`.`r0__product_click_uv`,
              `t167`.`r0__enter_pv_natural`,
              `t167`.`r0__enter_pv_private`,
              `t167`.`r0__enter_pv_paid`,
              `t167`.`r0__watch_ms`,
              `t167`.`r0__present_uv`,
              `t167`.`r0__long_visits`,
              `t167`.`r0__peak_online`,
              `t167`.`r0__online_at_end`,
              `t167`.`r0__orphan_leaves`,
              `t167`.`r0__paid_orders`,
              `t167`.`r0__pay_gmv_fen`,
              `t167`.`r0__pay_items`,
              `t167`.`r0__pay_uv`,
              `t167`.`r0__ad_gmv_fen`,
              `t167`.`r0__follower_pay_uv`,
              `t167`.`r0__repeated_payments`,
              `t167`.`r0__refund_fen`,
              `t167`.`r0__refund_cut_fen`,
              `t167`.`r0__created_orders`,
              `t167`.`r0__unpaid_orders`,
              `t167`.`series`,
              `t167`.`products`
            FROM (
              SELECT
                `t166`.`session_id`,
                `t166`.`r0__impression_pv`,
                `t166`.`r0__enter_pv`,
                `t166`.`r0__comment_pv`,
                `t166`.`r0__negative_pv`,
                `t166`.`r0__ad_cost_fen`,
                `t166`.`r0__impression_uv`,
                `t166`.`r0__enter_uv`,
                `t166`.`r0__comment_uv`,
                `t166`.`r0__share_uv`,
                `t166`.`r0__interact_uv`,
                `t166`.`r0__follow_uv`,
                `t166`.`r0__fans_club_uv`,
                `t166`.`r0__product_impression_uv`,
                `t166`.`r0__product_click_uv`,
                `t166`.`r0__enter_pv_natural`,
                `t166`.`r0__enter_pv_private`,
                `t166`.`r0__enter_pv_paid`,
                `t166`.`r0__watch_ms`,
                `t166`.`r0__present_uv`,
                `t166`.`r0__long_visits`,
                `t166`.`r0__peak_online`,
                `t166`.`r0__online_at_end`,
                `t166`.`r0__orphan_leaves`,
                `t166`.`r0__paid_orders`,
                `t166`.`r0__pay_gmv_fen`,
                `t166`.`r0__pay_items`,
                `t166`.`r0__pay_uv`,
                `t166`.`r0__ad_gmv_fen`,
                `t166`.`r0__follower_pay_uv`,
                `t166`.`r0__repeated_payments`,
                `t166`.`r0__refund_fen`,
                `t166`.`r0__refund_cut_fen`,
                `t166`.`r0__created_orders`,
                `t166`.`r0__unpaid_orders`,
                `t166`.`series`,
                `t148`.`_sid1`,
                `t148`.`products`
              FROM (
                SELECT
                  `t164`.`session_id`,
                  `t164`.`r0__impression_pv`,
                  `t164`.`r0__enter_pv`,
                  `t164`.`r0__comment_pv`,
                  `t164`.`r0__negative_pv`,
                  `t164`.`r0__ad_cost_fen`,
                  `t164`.`r0__impression_uv`,
                  `t164`.`r0__enter_uv`,
                  `t164`.`r0__comment_uv`,
                  `t164`.`r0__share_uv`,
                  `t164`.`r0__interact_uv`,
                  `t164`.`r0__follow_uv`,
                  `t164`.`r0__fans_club_uv`,
                  `t164`.`r0__product_impression_uv`,
                  `t164`.`r0__product_click_uv`,
                  `t164`.`r0__enter_pv_natural`,
                  `t164`.`r0__enter_pv_private`,
                  `t164`.`r0__enter_pv_paid`,
                  `t164`.`r0__watch_ms`,
                  `t164`.`r0__present_uv`,
                  `t164`.`r0__long_visits`,
                  `t164`.`r0__peak_online`,
                  `t164`.`r0__online_at_end`,
                  `t164`.`r0__orphan_leaves`,
                  `t164`.`r0__paid_orders`,
                  `t164`.`r0__pay_gmv_fen`,
                  `t164`.`r0__pay_items`,
                  `t164`.`r0__pay_uv`,
                  `t164`.`r0__ad_gmv_fen`,
                  `t164`.`r0__follower_pay_uv`,
                  `t164`.`r0__repeated_payments`,
                  `t164`.`r0__refund_fen`,
                  `t164`.`r0__refund_cut_fen`,
                  `t164`.`r0__created_orders`,
                  `t164`.`r0__unpaid_orders`,
                  `t164`.`series`
                FROM (
                  SELECT
                    `t163`.`session_id`,
                    `t163`.`r0__impression_pv`,
                    `t163`.`r0__enter_pv`,
                    `t163`.`r0__comment_pv`,
                    `t163`.`r0__negative_pv`,
                    `t163`.`r0__ad_cost_fen`,
                    `t163`.`r0__impression_uv`,
                    `t163`.`r0__enter_uv`,
                    `t163`.`r0__comment_uv`,
                    `t163`.`r0__share_uv`,
                    `t163`.`r0__interact_uv`,
                    `t163`.`r0__follow_uv`,
                    `t163`.`r0__fans_club_uv`,
                    `t163`.`r0__product_impression_uv`,
                    `t163`.`r0__product_click_uv`,
                    `t163`.`r0__enter_pv_natural`,
                    `t163`.`r0__enter_pv_private`,
                    `t163`.`r0__enter_pv_paid`,
                    `t163`.`r0__watch_ms`,
                    `t163`.`r0__present_uv`,
                    `t163`.`r0__long_visits`,
                    `t163`.`r0__peak_online`,
                    `t163`.`r0__online_at_end`,
                    `t163`.`r0__orphan_leaves`,
                    `t163`.`r0__paid_orders`,
                    `t163`.`r0__pay_gmv_fen`,
                    `t163`.`r0__pay_items`,
                    `t163`.`r0__pay_uv`,
                    `t163`.`r0__ad_gmv_fen`,
                    `t163`.`r0__follower_pay_uv`,
                    `t163`.`r0__repeated_payments`,
                    `t163`.`r0__refund_fen`,
                    `t163`.`r0__refund_cut_fen`,
                    `t163`.`r0__created_orders`,
                    `t163`.`r0__unpaid_orders`,
                    `t138`.`_sid0`,
                    `t138`.`series`
                  FROM (
                    SELECT
                      `t161`.`session_id`,
                      `t161`.`r0__impression_pv`,
                      `t161`.`r0__enter_pv`,
                      `t161`.`r0__comment_pv`,
                      `t161`.`r0__negative_pv`,
                      `t161`.`r0__ad_cost_fen`,
                      `t161`.`r0__impression_uv`,
                      `t161`.`r0__enter_uv`,
                      `t161`.`r0__comment_uv`,
                      `t161`.`r0__share_uv`,
                      `t161`.`r0__interact_uv`,
                      `t161`.`r0__follow_uv`,
                      `t161`.`r0__fans_club_uv`,
                      `t161`.`r0__product_impression_uv`,
                      `t161`.`r0__product_click_uv`,
                      `t161`.`r0__enter_pv_natural`,
                      `t161`.`r0__enter_pv_private`,
                      `t161`.`r0__enter_pv_paid`,
                      `t161`.`r0__watch_ms`,
                      `t161`.`r0__present_uv`,
                      `t161`.`r0__long_visits`,
                      `t161`.`r0__peak_online`,
                      `t161`.`r0__online_at_end`,
                      `t161`.`r0__orphan_leaves`,
                      `t161`.`r0__paid_orders`,
                      `t161`.`r0__pay_gmv_fen`,
                      `t161`.`r0__pay_items`,
                      `t161`.`r0__pay_uv`,
                      `t161`.`r0__ad_gmv_fen`,
                      `t161`.`r0__follower_pay_uv`,
                      `t161`.`r0__repeated_payments`,
                      `t161`.`r0__refund_fen`,
                      `t161`.`r0__refund_cut_fen`,
                      `t161`.`r0__created_orders`,
                      `t161`.`r0__unpaid_orders`
                    FROM (
                      SELECT
                        `t160`.`session_id`,
                        `t160`.`r0__impression_pv`,
                        `t160`.`r0__enter_pv`,
                        `t160`.`r0__comment_pv`,
                        `t160`.`r0__negative_pv`,
                        `t160`.`r0__ad_cost_fen`,
                        `t160`.`r0__impression_uv`,
                        `t160`.`r0__enter_uv`,
                        `t160`.`r0__comment_uv`,
                        `t160`.`r0__share_uv`,
                        `t160`.`r0__interact_uv`,
                        `t160`.`r0__follow_uv`,
                        `t160`.`r0__fans_club_uv`,
                        `t160`.`r0__product_impression_uv`,
                        `t160`.`r0__product_click_uv`,
                        `t160`.`r0__enter_pv_natural`,
                        `t160`.`r0__enter_pv_private`,
                        `t160`.`r0__enter_pv_paid`,
                        `t160`.`r0__watch_ms`,
                        `t160`.`r0__present_uv`,
                        `t160`.`r0__long_visits`,
                        `t160`.`r0__peak_online`,
                        `t160`.`r0__online_at_end`,
                        `t160`.`r0__orphan_leaves`,
                        `t160`.`r0__paid_orders`,
                        `t160`.`r0__pay_gmv_fen`,
                        `t160`.`r0__pay_items`,
                        `t160`.`r0__pay_uv`,
                        `t160`.`r0__ad_gmv_fen`,
                        `t160`.`r0__follower_pay_uv`,
                        `t160`.`r0__repeated_payments`,
                        `t160`.`r0__refund_fen`,
                        `t160`.`r0__refund_cut_fen`,
                        `t104`.`_sid8`,
                        `t104`.`r0__created_orders`,
                        `t104`.`r0__unpaid_orders`
                      FROM (
                        SELECT
                          `t158`.`session_id`,
                          `t158`.`r0__impression_pv`,
                          `t158`.`r0__enter_pv`,
                          `t158`.`r0__comment_pv`,
                          `t158`.`r0__negative_pv`,
                          `t158`.`r0__ad_cost_fen`,
                          `t158`.`r0__impression_uv`,
                          `t158`.`r0__enter_uv`,
                          `t158`.`r0__comment_uv`,
                          `t158`.`r0__share_uv`,
                          `t158`.`r0__interact_uv`,
                          `t158`.`r0__follow_uv`,
                          `t158`.`r0__fans_club_uv`,
                          `t158`.`r0__product_impression_uv`,
                          `t158`.`r0__product_click_uv`,
                          `t158`.`r0__enter_pv_natural`,
                          `t158`.`r0__enter_pv_private`,
                          `t158`.`r0__enter_pv_paid`,
                          `t158`.`r0__watch_ms`,
                          `t158`.`r0__present_uv`,
                          `t158`.`r0__long_visits`,
                          `t158`.`r0__peak_online`,
                          `t158`.`r0__online_at_end`,
                          `t158`.`r0__orphan_leaves`,
                          `t158`.`r0__paid_orders`,
                          `t158`.`r0__pay_gmv_fen`,
                          `t158`.`r0__pay_items`,
                          `t158`.`r0__pay_uv`,
                          `t158`.`r0__ad_gmv_fen`,
                          `t158`.`r0__follower_pay_uv`,
                          `t158`.`r0__repeated_payments`,
                          `t158`.`r0__refund_fen`,
                          `t158`.`r0__refund_cut_fen`
                        FROM (
                          SELECT
                            `t157`.`session_id`,
                            `t157`.`r0__impression_pv`,
                            `t157`.`r0__enter_pv`,
                            `t157`.`r0__comment_pv`,
                            `t157`.`r0__negative_pv`,
                            `t157`.`r0__ad_cost_fen`,
                            `t157`.`r0__impression_uv`,
                            `t157`.`r0__enter_uv`,
                            `t157`.`r0__comment_uv`,
                            `t157`.`r0__share_uv`,
                            `t157`.`r0__interact_uv`,
                            `t157`.`r0__follow_uv`,
                            `t157`.`r0__fans_club_uv`,
                            `t157`.`r0__product_impression_uv`,
                            `t157`.`r0__product_click_uv`,
                            `t157`.`r0__enter_pv_natural`,
                            `t157`.`r0__enter_pv_private`,
                            `t157`.`r0__enter_pv_paid`,
                            `t157`.`r0__watch_ms`,
                            `t157`.`r0__present_uv`,
                            `t157`.`r0__long_visits`,
                            `t157`.`r0__peak_online`,
                            `t157`.`r0__online_at_end`,
                            `t157`.`r0__orphan_leaves`,
                            `t157`.`r0__paid_orders`,
                            `t157`.`r0__pay_gmv_fen`,
                            `t157`.`r0__pay_items`,
                            `t157`.`r0__pay_uv`,
                            `t157`.`r0__ad_gmv_fen`,
                            `t157`.`r0__follower_pay_uv`,
                            `t157`.`r0__repeated_payments`,
                            `t131`.`_sid7`,
                            `t131`.`r0__refund_fen`,
                            `t131`.`r0__refund_cut_fen`
                          FROM (
                            SELECT
                              `t155`.`session_id`,
                              `t155`.`r0__impression_pv`,
                              `t155`.`r0__enter_pv`,
                              `t155`.`r0__comment_pv`,
                              `t155`.`r0__negative_pv`,
                              `t155`.`r0__ad_cost_fen`,
                              `t155`.`r0__impression_uv`,
                              `t155`.`r0__enter_uv`,
                              `t155`.`r0__comment_uv`,
                              `t155`.`r0__share_uv`,
                              `t155`.`r0__interact_uv`,
                              `t155`.`r0__follow_uv`,
                              `t155`.`r0__fans_club_uv`,
                              `t155`.`r0__product_impression_uv`,
                              `t155`.`r0__product_click_uv`,
                              `t155`.`r0__enter_pv_natural`,
                              `t155`.`r0__enter_pv_private`,
                              `t155`.`r0__enter_pv_paid`,
                              `t155`.`r0__watch_ms`,
                              `t155`.`r0__present_uv`,
                              `t155`.`r0__long_visits`,
                              `t155`.`r0__peak_online`,
                              `t155`.`r0__online_at_end`,
                              `t155`.`r0__orphan_leaves`,
                              `t155`.`r0__paid_orders`,
                              `t155`.`r0__pay_gmv_fen`,
                              `t155`.`r0__pay_items`,
                              `t155`.`r0__pay_uv`,
                              `t155`.`r0__ad_gmv_fen`,
                              `t155`.`r0__follower_pay_uv`,
                              `t155`.`r0__repeated_payments`
                            FROM (
                              SELECT
                                `t154`.`session_id`,
                                `t154`.`r0__impression_pv`,
                                `t154`.`r0__enter_pv`,
                                `t154`.`r0__comment_pv`,
                                `t154`.`r0__negative_pv`,
                                `t154`.`r0__ad_cost_fen`,
                                `t154`.`r0__impression_uv`,
                                `t154`.`r0__enter_uv`,
                                `t154`.`r0__comment_uv`,
                                `t154`.`r0__share_uv`,
                                `t154`.`r0__interact_uv`,
                                `t154`.`r0__follow_uv`,
                                `t154`.`r0__fans_club_uv`,
                                `t154`.`r0__product_impression_uv`,
                                `t154`.`r0__product_click_uv`,
                                `t154`.`r0__enter_pv_natural`,
                                `t154`.`r0__enter_pv_private`,
                                `t154`.`r0__enter_pv_paid`,
                                `t154`.`r0__watch_ms`,
                                `t154`.`r0__present_uv`,
                                `t154`.`r0__long_visits`,
                                `t154`.`r0__peak_online`,
                                `t154`.`r0__online_at_end`,
                                `t154`.`r0__orphan_leaves`,
                                `t154`.`r0__paid_orders`,
                                `t154`.`r0__pay_gmv_fen`,
                                `t154`.`r0__pay_items`,
                                `t154`.`r0__pay_uv`,
                                `t154`.`r0__ad_gmv_fen`,
                                `t154`.`r0__follower_pay_uv`,
                                `t70`.`_sid6`,
                                `t70`.`r0__repeated_payments`
                              FROM (
                                SELECT
                                  `t152`.`session_id`,
                                  `t152`.`r0__impression_pv`,
                                  `t152`.`r0__enter_pv`,
                                  `t152`.`r0__comment_pv`,
                                  `t152`.`r0__negative_pv`,
                                  `t152`.`r0__ad_cost_fen`,
                                  `t152`.`r0__impression_uv`,
                                  `t152`.`r0__enter_uv`,
                                  `t152`.`r0__comment_uv`,
                                  `t152`.`r0__share_uv`,
                                  `t152`.`r0__interact_uv`,
                                  `t152`.`r0__follow_uv`,
                                  `t152`.`r0__fans_club_uv`,
                                  `t152`.`r0__product_impression_uv`,
                                  `t152`.`r0__product_click_uv`,
                                  `t152`.`r0__enter_pv_natural`,
                                  `t152`.`r0__enter_pv_private`,
                                  `t152`.`r0__enter_pv_paid`,
                                  `t152`.`r0__watch_ms`,
                                  `t152`.`r0__present_uv`,
                                  `t152`.`r0__long_visits`,
                                  `t152`.`r0__peak_online`,
                                  `t152`.`r0__online_at_end`,
                                  `t152`.`r0__orphan_leaves`,
                                  `t152`.`r0__paid_orders`,
                                  `t152`.`r0__pay_gmv_fen`,
                                  `t152`.`r0__pay_items`,
                                  `t152`.`r0__pay_uv`,
                                  `t152`.`r0__ad_gmv_fen`,
                                  `t152`.`r0__follower_pay_uv`
                                FROM (
                                  SELECT
                                    `t151`.`session_id`,
                                    `t151`.`r0__impression_pv`,
                                    `t151`.`r0__enter_pv`,
                                    `t151`.`r0__comment_pv`,
                                    `t151`.`r0__negative_pv`,
                                    `t151`.`r0__ad_cost_fen`,
                                    `t151`.`r0__impression_uv`,
                                    `t151`.`r0__enter_uv`,
                                    `t151`.`r0__comment_uv`,
                                    `t151`.`r0__share_uv`,
                                    `t151`.`r0__interact_uv`,
                                    `t151`.`r0__follow_uv`,
                                    `t151`.`r0__fans_club_uv`,
                                    `t151`.`r0__product_impression_uv`,
                                    `t151`.`r0__product_click_uv`,
                                    `t151`.`r0__enter_pv_natural`,
                                    `t151`.`r0__enter_pv_private`,
                                    `t151`.`r0__enter_pv_paid`,
                                    `t151`.`r0__watch_ms`,
                                    `t151`.`r0__present_uv`,
                                    `t151`.`r0__long_visits`,
                                    `t151`.`r0__peak_online`,
                                    `t151`.`r0__online_at_end`,
                                    `t151`.`r0__orphan_leaves`,
                                    `t143`.`_sid5`,
                                    `t143`.`r0__paid_orders`,
                                    `t143`.`r0__pay_gmv_fen`,
                                    `t143`.`r0__pay_items`,
                                    `t143`.`r0__pay_uv`,
                                    `t143`.`r0__ad_gmv_fen`,
                                    `t143`.`r0__follower_pay_uv`
                                  FROM (
                                    SELECT
                                      `t149`.`session_id`,
                                      `t149`.`r0__impression_pv`,
                                      `t149`.`r0__enter_pv`,
                                      `t149`.`r0__comment_pv`,
                                      `t149`.`r0__negative_pv`,
                                      `t149`.`r0__ad_cost_fen`,
                                      `t149`.`r0__impression_uv`,
                                      `t149`.`r0__enter_uv`,
                                      `t149`.`r0__comment_uv`,
                                      `t149`.`r0__share_uv`,
                                      `t149`.`r0__interact_uv`,
                                      `t149`.`r0__follow_uv`,
                                      `t149`.`r0__fans_club_uv`,
                                      `t149`.`r0__product_impression_uv`,
                                      `t149`.`r0__product_click_uv`,
                                      `t149`.`r0__enter_pv_natural`,
                                      `t149`.`r0__enter_pv_private`,
                                      `t149`.`r0__enter_pv_paid`,
                                      `t149`.`r0__watch_ms`,
                                      `t149`.`r0__present_uv`,
                                      `t149`.`r0__long_visits`,
                                      `t149`.`r0__peak_online`,
                                      `t149`.`r0__online_at_end`,
                                      `t149`.`r0__orphan_leaves`
                                    FROM (
                                      SELECT
                                        `t142`.`session_id`,
                                        `t142`.`r0__impression_pv`,
                                        `t142`.`r0__enter_pv`,
                                        `t142`.`r0__comment_pv`,
                                        `t142`.`r0__negative_pv`,
                                        `t142`.`r0__ad_cost_fen`,
                                        `t142`.`r0__impression_uv`,
                                        `t142`.`r0__enter_uv`,
                                        `t142`.`r0__comment_uv`,
                                        `t142`.`r0__share_uv`,
                                        `t142`.`r0__interact_uv`,
                                        `t142`.`r0__follow_uv`,
                                        `t142`.`r0__fans_club_uv`,
                                        `t142`.`r0__product_impression_uv`,
                                        `t142`.`r0__product_click_uv`,
                                        `t142`.`r0__enter_pv_natural`,
                                        `t142`.`r0__enter_pv_private`,
                                        `t142`.`r0__enter_pv_paid`,
                                        `t142`.`r0__watch_ms`,
                                        `t142`.`r0__present_uv`,
                                        `t142`.`r0__long_visits`,
                                        `t142`.`r0__peak_online`,
                                        `t142`.`r0__online_at_end`,
                                        `t73`.`_sid4`,
                                        `t73`.`r0__orphan_leaves`
                                      FROM (
                                        SELECT
                                          `t137`.`session_id`,
                                          `t137`.`r0__impression_pv`,
                                          `t137`.`r0__enter_pv`,
                                          `t137`.`r0__comment_pv`,
                                          `t137`.`r0__negative_pv`,
                                          `t137`.`r0__ad_cost_fen`,
                                          `t137`.`r0__impression_uv`,
                                          `t137`.`r0__enter_uv`,
                                          `t137`.`r0__comment_uv`,
                                          `t137`.`r0__share_uv`,
                                          `t137`.`r0__interact_uv`,
                                          `t137`.`r0__follow_uv`,
                                          `t137`.`r0__fans_club_uv`,
                                          `t137`.`r0__product_impression_uv`,
                                          `t137`.`r0__product_click_uv`,
                                          `t137`.`r0__enter_pv_natural`,
                                          `t137`.`r0__enter_pv_private`,
                                          `t137`.`r0__enter_pv_paid`,
                                          `t137`.`r0__watch_ms`,
                                          `t137`.`r0__present_uv`,
                                          `t137`.`r0__long_visits`,
                                          `t137`.`r0__peak_online`,
                                          `t137`.`r0__online_at_end`
                                        FROM (
                                          SELECT
                                            `t119`.`session_id`,
                                            `t119`.`r0__impression_pv`,
                                            `t119`.`r0__enter_pv`,
                                            `t119`.`r0__comment_pv`,
                                            `t119`.`r0__negative_pv`,
                                            `t119`.`r0__ad_cost_fen`,
                                            `t119`.`r0__impression_uv`,
                                            `t119`.`r0__enter_uv`,
                                            `t119`.`r0__comment_uv`,
                                            `t119`.`r0__share_uv`,
                                            `t119`.`r0__interact_uv`,
                                            `t119`.`r0__follow_uv`,
                                            `t119`.`r0__fans_club_uv`,
                                            `t119`.`r0__product_impression_uv`,
                                            `t119`.`r0__product_click_uv`,
                                            `t119`.`r0__enter_pv_natural`,
                                            `t119`.`r0__enter_pv_private`,
                                            `t119`.`r0__enter_pv_paid`,
                                            `t119`.`r0__watch_ms`,
                                            `t119`.`r0__present_uv`,
                                            `t119`.`r0__long_visits`,
                                            `t130`.`_sid3`,
                                            `t130`.`r0__peak_online`,
                                            `t130`.`r0__online_at_end`
                                          FROM (
                                            SELECT
                                              `t114`.`session_id`,
                                              `t114`.`r0__impression_pv`,
                                              `t114`.`r0__enter_pv`,
                                              `t114`.`r0__comment_pv`,
                                              `t114`.`r0__negative_pv`,
                                              `t114`.`r0__ad_cost_fen`,
                                              `t114`.`r0__impression_uv`,
                                              `t114`.`r0__enter_uv`,
                                              `t114`.`r0__comment_uv`,
                                              `t114`.`r0__share_uv`,
                                              `t114`.`r0__interact_uv`,
                                              `t114`.`r0__follow_uv`,
                                              `t114`.`r0__fans_club_uv`,
                                              `t114`.`r0__product_impression_uv`,
                                              `t114`.`r0__product_click_uv`,
                                              `t114`.`r0__enter_pv_natural`,
                                              `t114`.`r0__enter_pv_private`,
                                              `t114`.`r0__enter_pv_paid`,
                                              `t114`.`r0__watch_ms`,
                                              `t114`.`r0__present_uv`,
                                              `t114`.`r0__long_visits`
                                            FROM (
                                              SELECT
                                                `t102`.`session_id`,
                                                `t102`.`r0__impression_pv`,
                                                `t102`.`r0__enter_pv`,
                                                `t102`.`r0__comment_pv`,
                                                `t102`.`r0__negative_pv`,
                                                `t102`.`r0__ad_cost_fen`,
                                                `t102`.`r0__impression_uv`,
                                                `t102`.`r0__enter_uv`,
                                                `t102`.`r0__comment_uv`,
                                                `t102`.`r0__share_uv`,
                                                `t102`.`r0__interact_uv`,
                                                `t102`.`r0__follow_uv`,
                                                `t102`.`r0__fans_club_uv`,
                                                `t102`.`r0__product_impression_uv`,
                                                `t102`.`r0__product_click_uv`,
                                                `t102`.`r0__enter_pv_natural`,
                                                `t102`.`r0__enter_pv_private`,
                                                `t102`.`r0__enter_pv_paid`,
                                                `t105`.`_sid2`,
                                                `t105`.`r0__watch_ms`,
                                                `t105`.`r0__present_uv`,
                                                `t105`.`r0__long_visits`
                                              FROM (
                                                SELECT
                                                  `t93`.`session_id`,
                                                  `t93`.`r0__impression_pv`,
                                                  `t93`.`r0__enter_pv`,
                                                  `t93`.`r0__comment_pv`,
                                                  `t93`.`r0__negative_pv`,
                                                  `t93`.`r0__ad_cost_fen`,
                                                  `t93`.`r0__impression_uv`,
                                                  `t93`.`r0__enter_uv`,
                                                  `t93`.`r0__comment_uv`,
                                                  `t93`.`r0__share_uv`,
                                                  `t93`.`r0__interact_uv`,
                                                  `t93`.`r0__follow_uv`,
                                                  `t93`.`r0__fans_club_uv`,
                                                  `t93`.`r0__product_impression_uv`,
                                                  `t93`.`r0__product_click_uv`,
                                                  `t93`.`r0__enter_pv_natural`,
                                                  `t93`.`r0__enter_pv_private`,
                                                  `t93`.`r0__enter_pv_paid`
                                                FROM (
                                                  SELECT
                                                    `t83`.`session_id`,
                                                    `t83`.`r0__impression_pv`,
                                                    `t83`.`r0__enter_pv`,
                                                    `t83`.`r0__comment_pv`,
                                                    `t83`.`r0__negative_pv`,
                                                    `t83`.`r0__ad_cost_fen`,
                                                    `t83`.`r0__impression_uv`,
                                                    `t83`.`r0__enter_uv`,
                                                    `t83`.`r0__comment_uv`,
                                                    `t83`.`r0__share_uv`,
                                                    `t83`.`r0__interact_uv`,
                                                    `t83`.`r0__follow_uv`,
                                                    `t83`.`r0__fans_club_uv`,
                                                    `t83`.`r0__product_impression_uv`,
                                                    `t83`.`r0__product_click_uv`,
                                                    `t51`.`_sid1`,
                                                    `t51`.`r0__enter_pv_natural`,
                                                    `t51`.`r0__enter_pv_private`,
                                                    `t51`.`r0__enter_pv_paid`
                                                  FROM (
                                                    SELECT
                                                      `t71`.`session_id`,
                                                      `t71`.`r0__impression_pv`,
                                                      `t71`.`r0__enter_pv`,
                                                      `t71`.`r0__comment_pv`,
                                                      `t71`.`r0__negative_pv`,
                                                      `t71`.`r0__ad_cost_fen`,
                                                      `t71`.`r0__impression_uv`,
                                                      `t71`.`r0__enter_uv`,
                                                      `t71`.`r0__comment_uv`,
                                                      `t71`.`r0__share_uv`,
                                                      `t71`.`r0__interact_uv`,
                                                      `t71`.`r0__follow_uv`,
                                                      `t71`.`r0__fans_club_uv`,
                                                      `t71`.`r0__product_impression_uv`,
                                                      `t71`.`r0__product_click_uv`
                                                    FROM (
                                                      SELECT
                                                        `t32`.`session_id`,
                                                        `t32`.`r0__impression_pv`,
                                                        `t32`.`r0__enter_pv`,
                                                        `t32`.`r0__comment_pv`,
                                                        `t32`.`r0__negative_pv`,
                                                        `t32`.`r0__ad_cost_fen`,
                                                        `t57`.`_sid0`,
                                                        `t57`.`r0__impression_uv`,
                                                        `t57`.`r0__enter_uv`,
                                                        `t57`.`r0__comment_uv`,
                                                        `t57`.`r0__share_uv`,
                                                        `t57`.`r0__interact_uv`,
                                                        `t57`.`r0__follow_uv`,
                                                        `t57`.`r0__fans_club_uv`,
                                                        `t57`.`r0__product_impression_uv`,
                                                        `t57`.`r0__product_click_uv`
                                                      FROM (
                                                        SELECT
                                                          `t7`.`session_id`,
                                                          COALESCE(
                                                            SUM(IF((
                                                              `t7`.`_span` = 0
                                                            ) AND (
                                                              `t7`.`type` = 'impression'
                                                            ), `t7`.`n`, NULL)),
                                                            0
                                                          ) AS `r0__impression_pv`,
                                                          COALESCE(SUM(IF((
                                                            `t7`.`_span` = 0
                                                          ) AND (
                                                            `t7`.`type` = 'enter'
                                                          ), `t7`.`n`, NULL)), 0) AS `r0__enter_pv`,
                                                          COALESCE(
                                                            SUM(IF((
                                                              `t7`.`_span` = 0
                                                            ) AND (
                                                              `t7`.`type` = 'comment'
                                                            ), `t7`.`n`, NULL)),
                                                            0
                                                          ) AS `r0__comment_pv`,
                                                          COALESCE(
                                                            SUM(
                                                              IF((
                                                                `t7`.`_span` = 0
                                                              ) AND (
                                                                `t7`.`type` = 'negative_feedback'
                                                              ), `t7`.`n`, NULL)
                                                            ),
                                                            0
                                                          ) AS `r0__negative_pv`,
                                                          COALESCE(
                                                            SUM(
                                                              IF((
                                                                `t7`.`_span` = 0
                                                              ) AND (
                                                                `t7`.`type` = 'ad_spend'
                                                              ), `t7`.`amount`, NULL)
                                                            ),
                                                            0
                                                          ) AS `r0__ad_cost_fen`
                                                        FROM (
                                                          SELECT
                                                            `t2`.`session_id`,
                                                            `t2`.`_span`,
                                                            `t2`.`type`,
                                                            COUNT(*) AS `n`,
                                                            SUM(`t2`.`amount_fen`) AS `amount`
                                                          FROM (
                                                            SELECT
                                                              's1' AS `session_id`,
                                                              `t0`.`type`,
                                                              `t0`.`amount_fen`,
                                                              0 AS `_span`
                                                            FROM `live_events` AS `t0`
                                                            WHERE
                                                              `t0`.`session_id` = 's1' AND `t0`.`ts` <= 3600000
                                                          ) AS `t2`
                                                          GROUP BY
                                                            1,
                                                            2,
                                                            3
                                                        ) AS `t7`
                                                        GROUP BY
                                                          1
                                                      ) AS `t32`
                                                      LEFT OUTER JOIN (
                                                        SELECT
                                                          `t43`.`session_id` AS `_sid0`,
                                                          `t43`.`r0__impression_uv`,
                                                          `t43`.`r0__enter_uv`,
                                                          `t43`.`r0__comment_uv`,
                                                          `t43`.`r0__share_uv`,
                                                          `t43`.`r0__interact_uv`,
                                                          `t43`.`r0__follow_uv`,
                                                          `t43`.`r0__fans_club_uv`,
                                                          `t43`.`r0__product_impression_uv`,
                                                          `t43`.`r0__product_click_uv`
                                                        FROM (
                                                          SELECT
                                                            `t28`.`session_id`,
                                                            COUNT(
                                                              IF(
                                                                (
                                                                  `t28`.`_span` = 0
                                                                ) AND (
                                                                  (
                                                                    `t28`.`kinds` & 32
                                                                  ) <> 0
                                                                ),
                                                                `t28`.`user_id`,
                                                                NULL
                                                              )
                                                            ) AS `r0__impression_uv`,
                                                            COUNT(
                                                              IF(
                                                                (
                                                                  `t28`.`_span` = 0
                                                                ) AND (
                                                                  (
                                                                    `t28`.`kinds` & 4
                                                                  ) <> 0
                                                                ),
                                                                `t28`.`user_id`,
                                                                NULL
                                                              )
                                                            ) AS `r0__enter_uv`,
                                                            COUNT(
                                                              IF(
                                                                (
                                                                  `t28`.`_span` = 0
                                                                ) AND (
                                                                  (
                                                                    `t28`.`kinds` & 2
                                                                  ) <> 0
                                                                ),
                                                                `t28`.`user_id`,
                                                                NULL
                                                              )
                                                            ) AS `r0__comment_uv`,
                                                            COUNT(
                                                              IF(
                                                                (
                                                                  `t28`.`_span` = 0
                                                                ) AND (
                                                                  (
                                                                    `t28`.`kinds` & 512
                                                                  ) <> 0
                                                                ),
                                                                `t28`.`user_id`,
                                                                NULL
                                                              )
                                                            ) AS `r0__share_uv`,
                                                            COUNT(
                                                              IF(
                                                                (
                                                                  `t28`.`_span` = 0
                                                                ) AND (
                                                                  (
                                                                    `t28`.`kinds` & 578
                                                                  ) <> 0
                                                                ),
                                                                `t28`.`user_id`,
                                                                NULL
                                                              )
                                                            ) AS `r0__interact_uv`,
                                                            COUNT(
                                                              IF(
                                                                (
                                                                  `t28`.`_span` = 0
                                                                ) AND (
                                                                  (
                                                                    `t28`.`kinds` & 16
                                                                  ) <> 0
                                                                ),
                                                                `t28`.`user_id`,
                                                                NULL
                                                              )
                                                            ) AS `r0__follow_uv`,
                                                            COUNT(
                                                              IF(
                                                                (
                                                                  `t28`.`_span` = 0
                                                                ) AND (
                                                                  (
                                                                    `t28`.`kinds` & 8
                                                                  ) <> 0
                                                                ),
                                                                `t28`.`user_id`,
                                                                NULL
                                                              )
                                                            ) AS `r0__fans_club_uv`,
                                                            COUNT(
                                                              IF(
                                                                (
                                                                  `t28`.`_span` = 0
                                                                ) AND (
                                                                  (
                                                                    `t28`.`kinds` & 256
                                                                  ) <> 0
                                                                ),
                                                                `t28`.`user_id`,
                                                                NULL
                                                              )
                                                            ) AS `r0__product_impression_uv`,
                                                            COUNT(
                                                              IF(
                                                                (
                                                                  `t28`.`_span` = 0
                                                                ) AND (
                                                                  (
                                                                    `t28`.`kinds` & 128
                                                                  ) <> 0
                                                                ),
                                                                `t28`.`user_id`,
                                                                NULL
                                                              )
                                                            ) AS `r0__product_click_uv`
                                                          FROM (
                                                            SELECT
                                                              `t12`.`session_id`,
                                                              `t12`.`_span`,
                                                              `t12`.`user_id`,
                                                              BIT_OR(`t12`.`_bit`) AS `kinds`
                                                            FROM (
                                                              SELECT
                                                                `t3`.`session_id`,
                                                                `t3`.`user_id`,
                                                                0 AS `_span`,
                                                                SHIFTLEFT(
                                                                  1,
                                                                  COALESCE(
                                                                    ARRAY_POSITION(
                                                                      ARRAY(
                                                                        'comment',
                                                                        'enter',
                                                                        'fans_club_join',
                                                                        'follow',
                                                                        'impression',
                                                                        'like',
                                                                        'product_click',
                                                                        'product_impression',
                                                                        'share'
                                                                      ),
                                                                      `t3`.`type`
                                                                    ),
                                                                    0
                                                                  )
                                                                ) AS `_bit`
                                                              FROM (
                                                                SELECT
                                                                  `t0`.`event_id`,
                                                                  's1' AS `session_id`,
                                                                  `t0`.`ts`,
                                                                  `t0`.`type`,
                                                                  `t0`.`user_id`,
                                                                  `t0`.`source`,
                                                                  `t0`.`is_follower`,
                                                                  `t0`.`product_id`,
                                                                  `t0`.`order_id`,
                                                                  `t0`.`quantity`,
                                                                  `t0`.`amount_fen`,
                                                                  `t0`.`channel`,
                                                                  `t0`.`kind`,
                                                                  `t0`.`text`,
                                                                  `t0`.`extra`,
                                                                  `t0`.`ingested_at`,
                                                                  0 AS `scope_start`,
                                                                  3600000 AS `scope_end`,
                                                                  3600000 AS `scope_as_of`
                                                                FROM `live_events` AS `t0`
                                                                WHERE
                                                                  `t0`.`session_id` = 's1' AND `t0`.`ts` <= 3600000
                                                              ) AS `t3`
                                                            ) AS `t12`
                                                            GROUP BY
                                                              1,
                                                              2,
                                                              3
                                                          ) AS `t28`
                                                          GROUP BY
                                                            1
                                                        ) AS `t43`
                                                      ) AS `t57`
                                                        ON `t32`.`session_id` = `t57`.`_sid0`
                                                    ) AS `t71`
                                                  ) AS `t83`
                                                  LEFT OUTER JOIN (
                                                    SELECT
                                                      `t42`.`session_id` AS `_sid1`,
                                                      `t42`.`r0__enter_pv_natural`,
                                                      `t42`.`r0__enter_pv_private`,
                                                      `t42`.`r0__enter_pv_paid`
                                                    FROM (
                                                      SELECT
                                                        `t24`.`session_id`,
                                                        SUM(
                                                          CAST((
                                                            `t24`.`type` = 'enter'
                                                          )
                                                          AND (
                                                            `t24`.`_span` = 0
                                                          )
                                                          AND (
                                                            `t24`.`_class` = 'natural'
                                                          ) AS BIGINT)
                                                        ) AS `r0__enter_pv_natural`,
                                                        SUM(
                                                          CAST((
                                                            `t24`.`type` = 'enter'
                                                          )
                                                          AND (
                                                            `t24`.`_span` = 0
                                                          )
                                                          AND (
                                                            `t24`.`_class` = 'private'
                                                          ) AS BIGINT)
                                                        ) AS `r0__enter_pv_private`,
                                                        SUM(
                                                          CAST((
                                                            `t24`.`type` = 'enter'
                                                          )
                                                          AND (
                                                            `t24`.`_span` = 0
                                                          )
                                                          AND (
                                                            `t24`.`_class` = 'paid'
                                                          ) AS BIGINT)
                                                        ) AS `r0__enter_pv_paid`
                                                      FROM (
                                                        SELECT
                                                          's1' AS `session_id`,
                                                          `t8`.`event_id`,
                                                          `t8`.`ts`,
                                                          `t8`.`type`,
                                                          `t8`.`user_id`,
                                                          `t8`.`source`,
                                                          `t8`.`is_follower`,
                                                          `t8`.`product_id`,
                                                          `t8`.`order_id`,
                                                          `t8`.`quantity`,
                                                          `t8`.`amount_fen`,
                                                          0 AS `scope_start`,
                                                          3600000 AS `scope_end`,
                                                          3600000 AS `scope_as_of`,
                                                          0 AS `_span`,
                                                          CASE
                                                            WHEN `t8`.`source` IN ('follow', 'private_share', 'profile')
                                                            THEN 'private'
                                                            WHEN `t8`.`source` IN ('paid_fentiao', 'paid_jinniu')
                                                            THEN 'paid'
                                                            ELSE 'natural'
                                                          END AS `_class`
                                                        FROM `sparse_events` AS `t8`
                                                      ) AS `t24`
                                                      GROUP BY
                                                        1
                                                    ) AS `t42`
                                                  ) AS `t51`
                                                    ON `t83`.`session_id` = `t51`.`_sid1`
                                                ) AS `t93`
                                              ) AS `t102`
                                              LEFT OUTER JOIN (
                                                SELECT
                                                  `t95`.`session_id` AS `_sid2`,
                                                  `t95`.`r0__watch_ms`,
                                                  `t95`.`r0__present_uv`,
                                                  `t95`.`r0__long_visits`
                                                FROM (
                                                  SELECT
                                                    `t72`.`session_id`,
                                                    COALESCE(SUM(`t72`.`stop` - `t72`.`a`), 0) AS `r0__watch_ms`,
                                                    COUNT(
                                                      DISTINCT IF(TRUE OR (
                                                        (
                                                          `t72`.`stop` - `t72`.`a`
                                                        ) > 0
                                                      ), `t72`.`user_id`, NULL)
                                                    ) AS `r0__present_uv`,
                                                    COUNT(IF(TRUE AND (
                                                      (
                                                        `t72`.`stop` - `t72`.`a`
                                                      ) > 60000
                                                    ), `t72`.`a`, NULL)) AS `r0__long_visits`
                                                  FROM (
                                                    SELECT
                                                      `t61`.`session_id`,
                                                      `t61`.`user_id`,
                                                      `t61`.`event_id`,
                                                      `t61`.`scope_as_of`,
                                                      `t61`.`a`,
                                                      `t61`.`e`,
                                                      COALESCE(`t61`.`e`, `t61`.`scope_as_of`) AS `stop`,
                                                      `t61`.`e` IS NULL AS `is_open`
                                                    FROM `t58` AS `t61`
                                                  ) AS `t72`
                                                  GROUP BY
                                                    1
                                                ) AS `t95`
                                              ) AS `t105`
                                                ON `t102`.`session_id` = `t105`.`_sid2`
                                            ) AS `t114`
                                          ) AS `t119`
                                          LEFT OUTER JOIN (
                                            SELECT
                                              `t118`.`session_id` AS `_sid3`,
                                              `t118`.`r0__peak_online`,
                                              `t118`.`r0__online_at_end`
                                            FROM (
                                              SELECT
                                                `t107`.`session_id`,
                                                GREATEST(COALESCE(MAX(`t107`.`online`), 0), 0) AS `r0__peak_online`,
                                                COALESCE(SUM(`t107`.`step`), 0) AS `r0__online_at_end`
                                              FROM (
                                                SELECT
                                                  `t94`.`session_id`,
                                                  `t94`.`t`,
                                                  `t94`.`step`,
                                                  SUM(`t94`.`step`) OVER (
                                                    ORDER BY `t94`.`t` ASC NULLS LAST
                                                    ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
                                                  ) AS `online`
                                                FROM (
                                                  SELECT
                                                    `t85`.`session_id`,
                                                    `t85`.`t`,
                                                    SUM(`t85`.`step`) AS `step`
                                                  FROM `t84` AS `t85`
                                                  GROUP BY
                                                    1,
                                                    2
                                                ) AS `t94`
                                              ) AS `t107`
                                              GROUP BY
                                                1
                                            ) AS `t118`
                                          ) AS `t130`
                                            ON `t119`.`session_id` = `t130`.`_sid3`
                                        ) AS `t137`
                                      ) AS `t142`
                                      LEFT OUTER JOIN (
                                        SELECT
                                          `t62`.`session_id` AS `_sid4`,
                                          `t62`.`r0__orphan_leaves`
                                        FROM (
                                          SELECT
                                            `t45`.`session_id`,
                                            COUNT(IF(TRUE, `t45`.`event_id`, NULL)) AS `r0__orphan_leaves`
                                          FROM (
                                            SELECT
                                              *
                                            FROM `t33` AS `t37`
                                            WHERE
                                              `t37`.`type` = 'leave'
                                              AND (
                                                (
                                                  `t37`.`prev_type` IS NULL
                                                ) OR (
                                                  `t37`.`prev_type` <> 'enter'
                                                )
                                              )
                                          ) AS `t45`
                                          GROUP BY
                                            1
                                        ) AS `t62`
                                      ) AS `t73`
                                        ON `t142`.`session_id` = `t73`.`_sid4`
                                    ) AS `t149`
                                  ) AS `t151`
                                  LEFT OUTER JOIN (
                                    SELECT
                                      `t135`.`session_id` AS `_sid5`,
                                      `t135`.`r0__paid_orders`,
                                      `t135`.`r0__pay_gmv_fen`,
                                      `t135`.`r0__pay_items`,
                                      `t135`.`r0__pay_uv`,
                                      `t135`.`r0__ad_gmv_fen`,
                                      `t135`.`r0__follower_pay_uv`
                                    FROM (
                                      SELECT
                                        `t121`.`session_id`,
                                        COUNT(IF(TRUE, `t121`.`order_id`, NULL)) AS `r0__paid_orders`,
                                        COALESCE(SUM(IF(TRUE, `t121`.`amount_fen`, NULL)), 0) AS `r0__pay_gmv_fen`,
                                        COALESCE(SUM(IF(TRUE, `t121`.`quantity`, NULL)), 0) AS `r0__pay_items`,
                                        COUNT(DISTINCT IF(TRUE, `t121`.`buyer`, NULL)) AS `r0__pay_uv`,
                                        COALESCE(
                                          SUM(IF(TRUE AND (
                                            `t121`.`entry_class` = 'paid'
                                          ), `t121`.`amount_fen`, NULL)),
                                          0
                                        ) AS `r0__ad_gmv_fen`,
                                        COUNT(
                                          DISTINCT IF(
                                            TRUE AND (
                                              `t121`.`first_in_range` = 0
                                            ) AND `t121`.`entry_follower`,
                                            `t121`.`buyer`,
                                            NULL
                                          )
                                        ) AS `r0__follower_pay_uv`
                                      FROM (
                                        SELECT
                                          `t109`.`session_id`,
                                          `t109`.`order_id`,
                                          `t109`.`amount_fen`,
                                          `t109`.`quantity`,
                                          `t109`.`product_id`,
                                          `t109`.`pay_ts`,
                                          `t109`.`pay_id`,
                                          `t109`.`buyer`,
                                          `t109`.`entry_source`,
                                          `t109`.`entry_class`,
                                          `t109`.`entry_follower`,
                                          `t109`.`_span`,
                                          ROW_NUMBER() OVER (
                                            PARTITION BY `t109`.`buyer`, `t109`.`_span`
                                            ORDER BY `t109`.`pay_ts` ASC NULLS LAST, `t109`.`pay_id` ASC NULLS LAST
                                          ) - 1 AS `first_in_range`
                                        FROM (
                                          SELECT
                                            `t96`.`session_id`,
                                            `t96`.`order_id`,
                                            `t96`.`amount_fen`,
                                            `t96`.`quantity`,
                                            `t96`.`product_id`,
                                            `t96`.`pay_ts`,
                                            `t96`.`pay_id`,
                                            `t96`.`buyer`,
                                            `t96`.`entry_source`,
                                            CASE
                                              WHEN `t96`.`entry_source` IN ('follow', 'private_share', 'profile')
                                              THEN 'private'
                                              WHEN `t96`.`entry_source` IN ('paid_fentiao', 'paid_jinniu')
                                              THEN 'paid'
                                              ELSE 'natural'
                                            END AS `entry_class`,
                                            COALESCE(`t96`.`entry_follower`, FALSE) AS `entry_follower`,
                                            0 AS `_span`
                                          FROM `t91` AS `t96`
                                          WHERE
                                            `t96`.`_pick` = 0
                                        ) AS `t109`
                                      ) AS `t121`
                                      GROUP BY
                                        1
                                    ) AS `t135`
                                  ) AS `t143`
                                    ON `t151`.`session_id` = `t143`.`_sid5`
                                ) AS `t152`
                              ) AS `t154`
                              LEFT OUTER JOIN (
                                SELECT
                                  `t60`.`session_id` AS `_sid6`,
                                  `t60`.`r0__repeated_payments`
                                FROM (
                                  SELECT
                                    `t41`.`session_id`,
                                    COUNT(IF(TRUE AND (
                                      `t41`.`rank` > 0
                                    ), `t41`.`event_id`, NULL)) AS `r0__repeated_payments`
                                  FROM `t38` AS `t41`
                                  GROUP BY
                                    1
                                ) AS `t60`
                              ) AS `t70`
                                ON `t154`.`session_id` = `t70`.`_sid6`
                            ) AS `t155`
                          ) AS `t157`
                          LEFT OUTER JOIN (
                            SELECT
                              `t123`.`session_id` AS `_sid7`,
                              `t123`.`r0__refund_fen`,
                              `t123`.`r0__refund_cut_fen`
                            FROM (
                              SELECT
                                `t111`.`session_id`,
                                COALESCE(SUM(IF(TRUE, `t111`.`counted`, NULL)), 0) AS `r0__refund_fen`,
                                COALESCE(SUM(IF(TRUE, `t111`.`amount_fen` - `t111`.`counted`, NULL)), 0) AS `r0__refund_cut_fen`
                              FROM (
                                SELECT
                                  `t90`.`session_id`,
                                  `t90`.`order_id`,
                                  `t90`.`event_id`,
                                  `t90`.`ts`,
                                  `t90`.`amount_fen`,
                                  `t90`.`_product` AS `product_id`,
                                  CASE
                                    WHEN `t90`.`_paid` IS NULL
                                    THEN 0
                                    ELSE LEAST(`t90`.`_paid`, `t90`.`_total`) - LEAST(`t90`.`_paid`, `t90`.`_total` - `t90`.`amount_fen`)
                                  END AS `counted`
                                FROM `t87` AS `t90`
                              ) AS `t111`
                              GROUP BY
                                1
                            ) AS `t123`
                          ) AS `t131`
                            ON `t157`.`session_id` = `t131`.`_sid7`
                        ) AS `t158`
                      ) AS `t160`
                      LEFT OUTER JOIN (
                        SELECT
                          `t92`.`session_id` AS `_sid8`,
                          `t92`.`r0__created_orders`,
                          `t92`.`r0__unpaid_orders`
                        FROM (
                          SELECT
                            `t77`.`session_id`,
                            COUNT(DISTINCT IF(TRUE, `t77`.`order_id`, NULL)) AS `r0__created_orders`,
                            COUNT(DISTINCT IF(TRUE AND NOT (
                              `t77`.`is_paid`
                            ), `t77`.`order_id`, NULL)) AS `r0__unpaid_orders`
                          FROM `t68` AS `t77`
                          GROUP BY
                            1
                        ) AS `t92`
                      ) AS `t104`
                        ON `t160`.`session_id` = `t104`.`_sid8`
                    ) AS `t161`
                  ) AS `t163`
                  LEFT OUTER JOIN (
                    SELECT
                      `t133`.`session_id` AS `_sid0`,
                      `t133`.`series`
                    FROM (
                      SELECT
                        `t124`.`session_id`,
                        COLLECT_LIST(
                          STRUCT(
                            `t124`.`minute` AS `minute`,
                            `t124`.`watch_pv` AS `watch_pv`,
                            `t124`.`pay_gmv_fen` AS `pay_gmv_fen`,
                            `t124`.`pay_orders` AS `pay_orders`,
                            `t124`.`product_click_uv` AS `product_click_uv`,
                            `t124`.`comment_pv` AS `comment_pv`,
                            `t124`.`new_followers` AS `new_followers`,
                            `t124`.`ad_cost_fen` AS `ad_cost_fen`,
                            `t124`.`online_step` AS `online_step`
                          )
                        ) AS `series`
                      FROM (
                        SELECT
                          `t113`.`session_id`,
                          `t113`.`minute`,
                          SUM(`t113`.`watch_pv`) AS `watch_pv`,
                          SUM(`t113`.`pay_gmv_fen`) AS `pay_gmv_fen`,
                          SUM(`t113`.`pay_orders`) AS `pay_orders`,
                          SUM(`t113`.`product_click_uv`) AS `product_click_uv`,
                          SUM(`t113`.`comment_pv`) AS `comment_pv`,
                          SUM(`t113`.`new_followers`) AS `new_followers`,
                          SUM(`t113`.`ad_cost_fen`) AS `ad_cost_fen`,
                          SUM(`t113`.`online_step`) AS `online_step`
                        FROM (
                          SELECT
                            *
                          FROM (
                            SELECT
                              `t106`.`session_id`,
                              `t106`.`minute`,
                              0 AS `watch_pv`,
                              0 AS `pay_gmv_fen`,
                              0 AS `pay_orders`,
                              0 AS `product_click_uv`,
                              0 AS `comment_pv`,
                              0 AS `new_followers`,
                              0 AS `ad_cost_fen`,
                              `t106`.`online_step`
                            FROM (
                              SELECT
                                `t99`.`session_id`,
                                `t99`.`minute`,
                                SUM(`t99`.`step`) AS `online_step`
                              FROM (
                                SELECT
                                  `t85`.`session_id`,
                                  `t85`.`t`,
                                  `t85`.`step`,
                                  `t85`.`t` - (
                                    `t85`.`t` % 60000
                                  ) AS `minute`
                                FROM `t84` AS `t85`
                              ) AS `t99`
                              GROUP BY
                                1,
                                2
                            ) AS `t106`
                          ) AS `t112`
                          UNION ALL
                          SELECT
                            *
                          FROM (
                            SELECT
                              *
                            FROM (
                              SELECT
                                `t40`.`session_id`,
                                `t40`.`minute`,
                                `t40`.`watch_pv`,
                                0 AS `pay_gmv_fen`,
                                0 AS `pay_orders`,
                                `t40`.`product_click_uv`,
                                `t40`.`comment_pv`,
                                `t40`.`new_followers`,
                                `t40`.`ad_cost_fen`,
                                0 AS `online_step`
                              FROM (
                                SELECT
                                  `t23`.`session_id`,
                                  `t23`.`minute`,
                                  COUNT(IF(`t23`.`type` = 'enter', `t23`.`event_id`, NULL)) AS `watch_pv`,
                                  COUNT(IF(`t23`.`type` = 'comment', `t23`.`event_id`, NULL)) AS `comment_pv`,
                                  COUNT(DISTINCT IF(`t23`.`type` = 'product_click', `t23`.`user_id`, NULL)) AS `product_click_uv`,
                                  COUNT(DISTINCT IF(`t23`.`type` = 'follow', `t23`.`user_id`, NULL)) AS `new_followers`,
                                  COALESCE(SUM(IF(`t23`.`type` = 'ad_spend', `t23`.`amount_fen`, NULL)), 0) AS `ad_cost_fen`
                                FROM (
                                  SELECT
                                    's1' AS `session_id`,
                                    `t8`.`event_id`,
                                    `t8`.`ts`,
                                    `t8`.`type`,
                                    `t8`.`user_id`,
                                    `t8`.`source`,
                                    `t8`.`is_follower`,
                                    `t8`.`product_id`,
                                    `t8`.`order_id`,
                                    `t8`.`quantity`,
                                    `t8`.`amount_fen`,
                                    0 AS `scope_start`,
                                    3600000 AS `scope_end`,
                                    3600000 AS `scope_as_of`,
                                    `t8`.`ts` - (
                                      `t8`.`ts` % 60000
                                    ) AS `minute`
                                  FROM `sparse_events` AS `t8`
                                  WHERE
                                    `t8`.`type` IN ('enter', 'comment', 'product_click', 'follow', 'ad_spend')
                                ) AS `t23`
                                GROUP BY
                                  1,
                                  2
                              ) AS `t40`
                            ) AS `t44`
                            UNION ALL
                            SELECT
                              *
                            FROM (
                              SELECT
                                `t64`.`session_id`,
                                `t64`.`minute`,
                                0 AS `watch_pv`,
                                `t64`.`pay_gmv_fen`,
                                `t64`.`pay_orders`,
                                0 AS `product_click_uv`,
                                0 AS `comment_pv`,
                                0 AS `new_followers`,
                                0 AS `ad_cost_fen`,
                                0 AS `online_step`
                              FROM (
                                SELECT
                                  `t53`.`session_id`,
                                  `t53`.`minute`,
                                  COUNT(`t53`.`order_id`) AS `pay_orders`,
                                  SUM(`t53`.`amount_fen`) AS `pay_gmv_fen`
                                FROM (
                                  SELECT
                                    `t41`.`session_id`,
                                    `t41`.`order_id`,
                                    `t41`.`amount_fen`,
                                    `t41`.`quantity`,
                                    `t41`.`product_id`,
                                    `t41`.`ts` AS `pay_ts`,
                                    `t41`.`event_id` AS `pay_id`,
                                    `t41`.`user_id` AS `buyer`,
                                    `t41`.`ts` - (
                                      `t41`.`ts` % 60000
                                    ) AS `minute`
                                  FROM `t38` AS `t41`
                                  WHERE
                                    `t41`.`rank` = 0
                                ) AS `t53`
                                GROUP BY
                                  1,
                                  2
                              ) AS `t64`
                            ) AS `t74`
                          ) AS `t82`
                        ) AS `t113`
                        GROUP BY
                          1,
                          2
                      ) AS `t124`
                      GROUP BY
                        1
                    ) AS `t133`
                  ) AS `t138`
                    ON `t163`.`session_id` = `t138`.`_sid0`
                ) AS `t164`
              ) AS `t166`
              LEFT OUTER JOIN (
                SELECT
                  `t144`.`session_id` AS `_sid1`,
                  `t144`.`products`
                FROM (
                  SELECT
                    `t134`.`session_id`,
                    COLLECT_LIST(
                      STRUCT(
                        `t134`.`product_id` AS `product_id`,
                        `t134`.`impression_pv` AS `impression_pv`,
                        `t134`.`impression_uv` AS `impression_uv`,
                        `t134`.`click_pv` AS `click_pv`,
                        `t134`.`click_uv` AS `click_uv`,
                        `t134`.`paid_orders` AS `paid_orders`,
                        `t134`.`pay_items` AS `pay_items`,
                        `t134`.`pay_gmv_fen` AS `pay_gmv_fen`,
                        `t134`.`pay_uv` AS `pay_uv`,
                        `t134`.`unpaid_orders` AS `unpaid_orders`,
                        `t134`.`refund_fen` AS `refund_fen`
                      )
                    ) AS `products`
                  FROM (
                    SELECT
                      `t128`.`session_id`,
                      `t128`.`product_id`,
                      SUM(`t128`.`impression_pv`) AS `impression_pv`,
                      SUM(`t128`.`impression_uv`) AS `impression_uv`,
                      SUM(`t128`.`click_pv`) AS `click_pv`,
                      SUM(`t128`.`click_uv`) AS `click_uv`,
                      SUM(`t128`.`paid_orders`) AS `paid_orders`,
                      SUM(`t128`.`pay_items`) AS `pay_items`,
                      SUM(`t128`.`pay_gmv_fen`) AS `pay_gmv_fen`,
                      SUM(`t128`.`pay_uv`) AS `pay_uv`,
                      SUM(`t128`.`unpaid_orders`) AS `unpaid_orders`,
                      SUM(`t128`.`refund_fen`) AS `refund_fen`
                    FROM (
                      SELECT
                        *
                      FROM (
                        SELECT
                          *
                        FROM (
                          SELECT
                            `t65`.`session_id`,
                            `t65`.`product_id`,
                            0 AS `impression_pv`,
                            0 AS `impression_uv`,
                            0 AS `click_pv`,
                            0 AS `click_uv`,
                            `t65`.`paid_orders`,
                            `t65`.`pay_items`,
                            `t65`.`pay_gmv_fen`,
                            `t65`.`pay_uv`,
                            0 AS `unpaid_orders`,
                            0 AS `refund_fen`
                          FROM (
                            SELECT
                              `t54`.`session_id`,
                              `t54`.`product_id`,
                              COUNT(`t54`.`order_id`) AS `paid_orders`,
                              SUM(`t54`.`quantity`) AS `pay_items`,
                              SUM(`t54`.`amount_fen`) AS `pay_gmv_fen`,
                              COUNT(DISTINCT `t54`.`buyer`) AS `pay_uv`
                            FROM `t47` AS `t54`
                            GROUP BY
                              1,
                              2
                          ) AS `t65`
                        ) AS `t76`
                        UNION ALL
                        SELECT
                          *
                        FROM (
                          SELECT
                            `t89`.`session_id`,
                            `t89`.`product_id`,
                            0 AS `impression_pv`,
                            0 AS `impression_uv`,
                            0 AS `click_pv`,
                            0 AS `click_uv`,
                            0 AS `paid_orders`,
                            0 AS `pay_items`,
                            0 AS `pay_gmv_fen`,
                            0 AS `pay_uv`,
                            `t89`.`unpaid_orders`,
                            0 AS `refund_fen`
                          FROM (
                            SELECT
                              `t77`.`session_id`,
                              `t77`.`product_id`,
                              COUNT(DISTINCT IF(NOT (
                                `t77`.`is_paid`
                              ), `t77`.`order_id`, NULL)) AS `unpaid_orders`
                            FROM `t68` AS `t77`
                            GROUP BY
                              1,
                              2
                          ) AS `t89`
                        ) AS `t97`
                      ) AS `t100`
                      UNION ALL
                      SELECT
                        *
                      FROM (
                        SELECT
                          *
                        FROM (
                          SELECT
                            `t116`.`session_id`,
                            `t116`.`product_id`,
                            0 AS `impression_pv`,
                            0 AS `impression_uv`,
                            0 AS `click_pv`,
                            0 AS `click_uv`,
                            0 AS `paid_orders`,
                            0 AS `pay_items`,
                            0 AS `pay_gmv_fen`,
                            0 AS `pay_uv`,
                            0 AS `unpaid_orders`,
                            `t116`.`refund_fen`
                          FROM (
                            SELECT
                              `t110`.`session_id`,
                              `t110`.`product_id`,
                              SUM(`t110`.`counted`) AS `refund_fen`
                            FROM (
                              SELECT
                                `t90`.`session_id`,
                                `t90`.`order_id`,
                                `t90`.`event_id`,
                                `t90`.`ts`,
                                `t90`.`amount_fen`,
                                `t90`.`_product` AS `product_id`,
                                CASE
                                  WHEN `t90`.`_paid` IS NULL
                                  THEN 0
                                  ELSE LEAST(`t90`.`_paid`, `t90`.`_total`) - LEAST(`t90`.`_paid`, `t90`.`_total` - `t90`.`amount_fen`)
                                END AS `counted`
                              FROM `t87` AS `t90`
                              WHERE
                                `t90`.`_product` IS NOT NULL
                            ) AS `t110`
                            GROUP BY
                              1,
                              2
                          ) AS `t116`
                        ) AS `t122`
                        UNION ALL
                        SELECT
                          *
                        FROM (
                          SELECT
                            *
                          FROM (
                            SELECT
                              `t9`.`session_id`,
                              `t9`.`product_id`,
                              0 AS `impression_pv`,
                              0 AS `impression_uv`,
                              0 AS `click_pv`,
                              0 AS `click_uv`,
                              0 AS `paid_orders`,
                              0 AS `pay_items`,
                              0 AS `pay_gmv_fen`,
                              0 AS `pay_uv`,
                              0 AS `unpaid_orders`,
                              0 AS `refund_fen`
                            FROM (
                              SELECT DISTINCT
                                `t6`.`session_id`,
                                `t6`.`product_id`
                              FROM `product_events` AS `t6`
                            ) AS `t9`
                          ) AS `t13`
                          UNION ALL
                          SELECT
                            *
                          FROM (
                            SELECT
                              `t29`.`session_id`,
                              `t29`.`product_id`,
                              `t29`.`impression_pv`,
                              `t29`.`impression_uv`,
                              `t29`.`click_pv`,
                              `t29`.`click_uv`,
                              0 AS `paid_orders`,
                              0 AS `pay_items`,
                              0 AS `pay_gmv_fen`,
                              0 AS `pay_uv`,
                              0 AS `unpaid_orders`,
                              0 AS `refund_fen`
                            FROM (
                              SELECT
                                `t11`.`session_id`,
                                `t11`.`product_id`,
                                SUM(CAST(`t11`.`type` = 'product_impression' AS BIGINT)) AS `impression_pv`,
                                COUNT(DISTINCT IF(`t11`.`type` = 'product_impression', `t11`.`user_id`, NULL)) AS `impression_uv`,
                                SUM(CAST(`t11`.`type` = 'product_click' AS BIGINT)) AS `click_pv`,
                                COUNT(DISTINCT IF(`t11`.`type` = 'product_click', `t11`.`user_id`, NULL)) AS `click_uv`
                              FROM (
                                SELECT
                                  *
                                FROM `product_events` AS `t6`
                                WHERE
                                  `t6`.`type` IN ('product_impression', 'product_click')
                              ) AS `t11`
                              GROUP BY
                                1,
                                2
                            ) AS `t29`
                          ) AS `t35`
                        ) AS `t39`
                      ) AS `t126`
                    ) AS `t128`
                    GROUP BY
                      1,
                      2
                  ) AS `t134`
                  GROUP BY
                    1
                ) AS `t144`
              ) AS `t148`
                ON `t166`.`session_id` = `t148`.`_sid1`
            ) AS `t167`
          ) AS `t169`
          LEFT OUTER JOIN (
            SELECT
              `t140`.`session_id` AS `_sid2`,
              `t140`.`sources`
            FROM (
              SELECT
                `t132`.`session_id`,
                COLLECT_LIST(
                  STRUCT(
                    `t132`.`source` AS `source`,
                    `t132`.`enter_pv` AS `enter_pv`,
                    `t132`.`enter_uv` AS `enter_uv`,
                    `t132`.`pay_gmv_fen` AS `pay_gmv_fen`,
                    `t132`.`pay_orders` AS `pay_orders`
                  )
                ) AS `sources`
              FROM (
                SELECT
                  `t125`.`session_id`,
                  `t125`.`source`,
                  SUM(`t125`.`enter_pv`) AS `enter_pv`,
                  SUM(`t125`.`enter_uv`) AS `enter_uv`,
                  SUM(`t125`.`pay_gmv_fen`) AS `pay_gmv_fen`,
                  SUM(`t125`.`pay_orders`) AS `pay_orders`
                FROM (
                  SELECT
                    *
                  FROM (
                    SELECT
                      `t31`.`session_id`,
                      `t31`.`source`,
                      `t31`.`enter_pv`,
                      `t31`.`enter_uv`,
                      0 AS `pay_gmv_fen`,
                      0 AS `pay_orders`
                    FROM (
                      SELECT
                        `t15`.`session_id`,
                        `t15`.`source`,
                        COUNT(`t15`.`event_id`) AS `enter_pv`,
                        COUNT(DISTINCT `t15`.`user_id`) AS `enter_uv`
                      FROM (
                        SELECT
                          's1' AS `session_id`,
                          `t8`.`event_id`,
                          `t8`.`ts`,
                          `t8`.`type`,
                          `t8`.`user_id`,
                          `t8`.`source`,
                          `t8`.`is_follower`,
                          `t8`.`product_id`,
                          `t8`.`order_id`,
                          `t8`.`quantity`,
                          `t8`.`amount_fen`,
                          0 AS `scope_start`,
                          3600000 AS `scope_end`,
                          3600000 AS `scope_as_of`
                        FROM `sparse_events` AS `t8`
                        WHERE
                          `t8`.`type` = 'enter'
                      ) AS `t15`
                      GROUP BY
                        1,
                        2
                    ) AS `t31`
                  ) AS `t36`
                  UNION ALL
                  SELECT
                    *
                  FROM (
                    SELECT
                      `t115`.`session_id`,
                      `t115`.`source`,
                      0 AS `enter_pv`,
                      0 AS `enter_uv`,
                      `t115`.`pay_gmv_fen`,
                      `t115`.`pay_orders`
                    FROM (
                      SELECT
                        `t108`.`session_id`,
                        `t108`.`entry_source` AS `source`,
                        SUM(`t108`.`amount_fen`) AS `pay_gmv_fen`,
                        COUNT(`t108`.`order_id`) AS `pay_orders`
                      FROM (
                        SELECT
                          `t96`.`session_id`,
                          `t96`.`order_id`,
                          `t96`.`amount_fen`,
                          `t96`.`quantity`,
                          `t96`.`product_id`,
                          `t96`.`pay_ts`,
                          `t96`.`pay_id`,
                          `t96`.`buyer`,
                          `t96`.`entry_source`,
                          CASE
                            WHEN `t96`.`entry_source` IN ('follow', 'private_share', 'profile')
                            THEN 'private'
                            WHEN `t96`.`entry_source` IN ('paid_fentiao', 'paid_jinniu')
                            THEN 'paid'
                            ELSE 'natural'
                          END AS `entry_class`,
                          COALESCE(`t96`.`entry_follower`, FALSE) AS `entry_follower`
                        FROM `t91` AS `t96`
                        WHERE
                          `t96`.`_pick` = 0 AND `t96`.`entry_source` IS NOT NULL
                      ) AS `t108`
                      GROUP BY
                        1,
                        2
                    ) AS `t115`
                  ) AS `t120`
                ) AS `t125`
                GROUP BY
                  1,
                  2
              ) AS `t132`
              GROUP BY
                1
            ) AS `t140`
          ) AS `t146`
            ON `t169`.`session_id` = `t146`.`_sid2`
        ) AS `t170`
      ) AS `t172`
      LEFT OUTER JOIN (
        SELECT
          `t81`.`session_id` AS `_sid3`,
          `t81`.`explanations`
        FROM (
          SELECT
            `t63`.`session_id`,
            COLLECT_LIST(
              STRUCT(
                `t63`.`product_id` AS `product_id`,
                `t63`.`event_id` AS `event_id`,
                `t63`.`a` AS `a`,
                `t63`.`e` AS `e`
              )
            ) AS `explanations`
          FROM (
            SELECT
              `t52`.`session_id`,
              `t52`.`product_id`,
              `t52`.`event_id`,
              `t52`.`a`,
              `t52`.`e`
            FROM (
              SELECT
                `t34`.`session_id`,
                `t34`.`product_id`,
                `t34`.`event_id`,
                `t34`.`scope_as_of`,
                `t34`.`ts` AS `a`,
                CASE
                  WHEN `t34`.`scope_end` IS NULL
                  THEN `t34`.`next_ts`
                  ELSE GREATEST(`t34`.`ts`, LEAST(COALESCE(`t34`.`next_ts`, `t34`.`scope_end`), `t34`.`scope_end`))
                END AS `e`
              FROM (
                SELECT
                  `t18`.`session_id`,
                  `t18`.`event_id`,
                  `t18`.`ts`,
                  `t18`.`type`,
                  `t18`.`user_id`,
                  `t18`.`source`,
                  `t18`.`is_follower`,
                  `t18`.`product_id`,
                  `t18`.`order_id`,
                  `t18`.`quantity`,
                  `t18`.`amount_fen`,
                  `t18`.`scope_start`,
                  `t18`.`scope_end`,
                  `t18`.`scope_as_of`,
                  LEAD(`t18`.`ts`) OVER (
                    PARTITION BY `t18`.`product_id`
                    ORDER BY `t18`.`ts` ASC NULLS LAST, `t18`.`event_id` ASC NULLS LAST
                  ) AS `next_ts`,
                  LAG(`t18`.`type`) OVER (
                    PARTITION BY `t18`.`product_id`
                    ORDER BY `t18`.`ts` ASC NULLS LAST, `t18`.`event_id` ASC NULLS LAST
                  ) AS `prev_type`
                FROM (
                  SELECT
                    's1' AS `session_id`,
                    `t8`.`event_id`,
                    `t8`.`ts`,
                    `t8`.`type`,
                    `t8`.`user_id`,
                    `t8`.`source`,
                    `t8`.`is_follower`,
                    `t8`.`product_id`,
                    `t8`.`order_id`,
                    `t8`.`quantity`,
                    `t8`.`amount_fen`,
                    0 AS `scope_start`,
                    3600000 AS `scope_end`,
                    3600000 AS `scope_as_of`
                  FROM `sparse_events` AS `t8`
                  WHERE
                    `t8`.`type` IN ('explain_start', 'explain_end') AND `t8`.`product_id` IS NOT NULL
                ) AS `t18`
              ) AS `t34`
              WHERE
                `t34`.`type` = 'explain_start'
            ) AS `t52`
          ) AS `t63`
          GROUP BY
            1
        ) AS `t81`
      ) AS `t88`
        ON `t172`.`session_id` = `t88`.`_sid3`
    ) AS `t173`
  ) AS `t175`
  LEFT OUTER JOIN (
    SELECT
      `t10`.`session_id` AS `_sid4`,
      `t10`.`markers`
    FROM (
      SELECT
        `t4`.`session_id`,
        COLLECT_LIST(
          STRUCT(
            `t4`.`ts` AS `ts`,
            `t4`.`event_id` AS `event_id`,
            `t4`.`kind` AS `kind`,
            `t4`.`product_id` AS `product_id`,
            `t4`.`text` AS `text`
          )
        ) AS `markers`
      FROM (
        SELECT
          's1' AS `session_id`,
          `t0`.`ts`,
          `t0`.`event_id`,
          `t0`.`kind`,
          `t0`.`product_id`,
          `t0`.`text`
        FROM `live_events` AS `t0`
        WHERE
          `t0`.`session_id` = 's1' AND `t0`.`ts` <= 3600000 AND `t0`.`type` = 'marker'
      ) AS `t4`
      GROUP BY
        1
    ) AS `t10`
  ) AS `t22`
    ON `t175`.`session_id` = `t22`.`_sid4`
) AS `t176`
