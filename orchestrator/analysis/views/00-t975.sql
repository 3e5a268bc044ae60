-- The 0.975 quantile of Student's t with `df` degrees of freedom (for two-sided 95 % intervals): a table for
-- df 1–30, the Cornish–Fisher expansion around z = 1.959964 beyond (error < 1e-4 at df 31).
CREATE OR REPLACE MACRO t975(df) AS
  CASE WHEN df IS NULL OR df < 1 THEN NULL
    WHEN df <= 30 THEN [12.7062, 4.3027, 3.1824, 2.7764, 2.5706, 2.4469, 2.3646, 2.3060, 2.2622, 2.2281, 2.2010,
      2.1788, 2.1604, 2.1448, 2.1314, 2.1199, 2.1098, 2.1009, 2.0930, 2.0860, 2.0796, 2.0739, 2.0687, 2.0639,
      2.0595, 2.0555, 2.0518, 2.0484, 2.0452, 2.0423][CAST(floor(df) AS INTEGER)]
    ELSE 1.959964 + 2.372271 / df + 2.822636 / df ^ 2 + 2.556123 / df ^ 3 END;
