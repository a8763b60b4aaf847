"""Organizer insights: page views, attribution across share generations, and the figures the
dashboard shows (docs/insights.md). Sits above every other app and only reads them, except for its
own page-view counter."""
