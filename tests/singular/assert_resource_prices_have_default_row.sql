-- The price seed must hold exactly one default row (cluster_type `*`): clusters
-- without their own row are priced with it. Returns a row when it is missing.
with

prices as (

    select * from {{ ref('stg_seeds__resource_prices') }}

),

default_rows as (

    select count(*) as default_row_cnt
    from prices
    where cluster_type = '*'

)

select *
from default_rows
where default_row_cnt != 1
