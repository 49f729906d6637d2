-- The report window (SPEC §2): one row, so the report can check that every reporting table it
-- reads was built for the window it prints.
with

final as (

    select
        {{ window_start_date() }} as window_start_date,
        {{ window_end_date() }} as window_end_date,
        '{{ finops_window().timezone }}' as report_timezone,
        {{ finops_window().days }} as window_days

)

select * from final
