// What the simulated model "says" in the demo. The model side is scripted (the simulator plays these turns back
// through the real gateway and provider codecs); the Python runs for real, and the final answer is written from
// the numbers the kernel actually printed, never from numbers decided in advance.
import type { ScriptedResponse } from '@rampart/simulator';

/** The task the demo user asks. */
export const DEMO_TASK =
  'Here are our Q1 orders: build a table of them, then tell me which region brought the most revenue and how ' +
  'much of the total that is.';

const BUILD_TABLE = `import pandas as pd

orders = [
    ("2026-01-04", "North", "Widget", 12, 19.99),
    ("2026-01-09", "South", "Gadget", 5, 49.50),
    ("2026-01-15", "West", "Widget", 30, 19.99),
    ("2026-02-02", "East", "Gizmo", 8, 129.00),
    ("2026-02-11", "West", "Gadget", 14, 49.50),
    ("2026-02-20", "North", "Gizmo", 3, 129.00),
    ("2026-03-03", "South", "Widget", 22, 19.99),
    ("2026-03-17", "West", "Gizmo", 6, 129.00),
    ("2026-03-28", "East", "Widget", 18, 19.99),
]
df = pd.DataFrame(orders, columns=["date", "region", "product", "units", "unit_price"])
df["date"] = pd.to_datetime(df["date"])
df["revenue"] = df["units"] * df["unit_price"]
print(df.to_string(index=False))`;

const ANALYSE = `by_region = df.groupby("region")["revenue"].sum().sort_values(ascending=False)
share = by_region / by_region.sum() * 100
print(pd.DataFrame({"revenue": by_region.round(2), "share_%": share.round(1)}).to_string())
print(f"top_region={by_region.index[0]} top_revenue={by_region.iloc[0]:.2f} "
      f"top_share={share.iloc[0]:.1f} total={by_region.sum():.2f}")`;

/** The first two scripted turns, served by the backup provider (the primary is down throughout the demo). */
export function demoOpeningTurns(provider: 'bedrock' | 'anthropic' | 'openai'): ScriptedResponse[] {
  return [
    {
      match: { provider },
      text: "I'll load the orders into a pandas DataFrame in the notebook first.",
      toolCalls: [
        {
          name: 'notebook_run_cell',
          input: { code: BUILD_TABLE, description: 'Build the orders DataFrame' },
        },
      ],
    },
    {
      match: { provider },
      text: 'The table is in memory. Now revenue per region and each region’s share of the total.',
      toolCalls: [
        { name: 'notebook_run_cell', input: { code: ANALYSE, description: 'Revenue and share per region' } },
      ],
    },
  ];
}

/** The final turn, written from what the kernel printed; undefined if the output is not what the cell prints. */
export function demoAnswerTurn(
  provider: 'bedrock' | 'anthropic' | 'openai',
  cellOutput: string,
): ScriptedResponse | undefined {
  const match = /top_region=(\w+) top_revenue=([\d.]+) top_share=([\d.]+) total=([\d.]+)/.exec(cellOutput);
  if (!match) return undefined;
  const [, region, revenue, share, total] = match;
  return {
    match: { provider },
    text: `${region} brought the most revenue in Q1: $${revenue} of $${total} in total, ${share}% of it.`,
  };
}
