/**
 * The hostile corpus: every broken or crafted file goes through the real file picker of the built app and must end
 * in a clear message (naming the file, and the line or column where that means something) or a clean import,
 * never a page error, a dialog, a script run by a payload, a long task over 1 s, or a half-stored dataset.
 */
import path from 'node:path';
import { expect, type Page, test } from '@playwright/test';
import { makeHostileFixtures } from '../scripts/make-hostile-fixtures';
import { datasetRow, fixture, openApp, storedRecordCounts, waitIdle, watchLongTasks } from './helpers';

type Expected =
  | { outcome: 'refused'; message: RegExp }
  | { outcome: 'imported'; rows: number; classes: number; warning?: RegExp };

interface Case {
  file: string;
  expected: Expected;
}

const hostile = (name: string) => fixture(path.join('hostile', name));

declare global {
  interface Window {
    __pwned?: unknown;
  }
}

interface Outcome {
  kind: 'refused' | 'imported';
  text: string;
}

/** Chooses the file in the picker and follows it to a message or an overview. */
async function feed(page: Page, file: string): Promise<Outcome> {
  const name = path.basename(file);
  await page.getByLabel('CSV file').setInputFiles(file);
  const form = page.getByRole('heading', { name: `Import ${name}` });
  await expect(form.or(page.getByRole('alert')).first()).toBeVisible();
  await waitIdle(page);
  if (!(await form.isVisible()))
    return { kind: 'refused', text: (await page.getByRole('alert').first().textContent()) ?? '' };
  const previewErrors = page.getByTestId('preview-errors');
  const importButton = page.getByRole('button', { name: 'Import', exact: true });
  if (await previewErrors.isVisible()) {
    await expect(importButton).toBeDisabled();
    return { kind: 'refused', text: (await previewErrors.textContent()) ?? '' };
  }
  await expect(importButton).toBeEnabled();
  await importButton.click();
  const overview = page.getByTestId('overview');
  const importError = page.getByTestId('import-error');
  await expect(overview.or(importError)).toBeVisible();
  await waitIdle(page);
  if (await importError.isVisible())
    return { kind: 'refused', text: (await importError.textContent()) ?? '' };
  return { kind: 'imported', text: (await overview.textContent()) ?? '' };
}

const SMALL: Case[] = [
  {
    file: hostile('binary-garbage.csv'),
    expected: {
      outcome: 'refused',
      message: /binary-garbage\.csv: the file is not UTF-8 text \(it contains a NUL byte/,
    },
  },
  {
    file: hostile('png-renamed.csv'),
    expected: {
      outcome: 'refused',
      message: /png-renamed\.csv: the file is not UTF-8 text \(it looks like a PNG image\)/,
    },
  },
  {
    file: hostile('utf16le.csv'),
    expected: { outcome: 'refused', message: /utf16le\.csv.*UTF-16/is },
  },
  { file: hostile('empty.csv'), expected: { outcome: 'refused', message: /empty\.csv.*empty/is } },
  {
    file: hostile('header-only.csv'),
    expected: { outcome: 'refused', message: /header-only\.csv.*line 1/is },
  },
  { file: hostile('ragged-rows.csv'), expected: { outcome: 'refused', message: /ragged-rows\.csv, line 3/ } },
  {
    file: hostile('unbalanced-quotes.csv'),
    expected: { outcome: 'refused', message: /unbalanced-quotes\.csv, line 3/ },
  },
  {
    file: hostile('non-finite.csv'),
    expected: { outcome: 'imported', rows: 8, classes: 2, warning: /line 2/ },
  },
  { file: hostile('payload-labels.csv'), expected: { outcome: 'imported', rows: 20, classes: 5 } },
  { file: hostile('proto-columns.csv'), expected: { outcome: 'imported', rows: 4, classes: 2 } },
  {
    file: hostile('duplicate-columns.csv'),
    expected: { outcome: 'refused', message: /duplicate-columns\.csv, line 1, column "a"/ },
  },
  { file: hostile('one-class.csv'), expected: { outcome: 'refused', message: /one-class\.csv.*cat/is } },
];

let generated: Record<string, string> = {};
test.beforeAll(() => {
  generated = makeHostileFixtures();
});

/** Fails on anything a payload or a crash would leave behind; returns the page's error log to check at the end. */
function guard(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('dialog', (dialog) => {
    problems.push(`dialog: ${dialog.type()} ${dialog.message()}`);
    void dialog.dismiss();
  });
  page.on('crash', () => problems.push('crash'));
  return problems;
}

async function runCase(page: Page, problems: string[], { file, expected }: Case): Promise<void> {
  const before = await storedRecordCounts(page);
  const outcome = await feed(page, file);
  const name = path.basename(file);
  expect(problems, name).toEqual([]);
  expect(await page.evaluate(() => window.__pwned), `${name}: a payload ran`).toBeUndefined();
  expect(await page.locator('img').count(), `${name}: an <img> was created`).toBe(0);
  const longest = Math.max(0, ...(await page.evaluate(() => window.__longTasks ?? [])));
  expect(longest, `${name}: longest task (ms)`).toBeLessThan(1000);
  expect(outcome.kind, `${name}: ${outcome.text}`).toBe(expected.outcome);
  const after = await storedRecordCounts(page);
  if (expected.outcome === 'refused') {
    expect(outcome.text).toMatch(expected.message);
    // Nothing half-stored: every store holds what it held before the refused file.
    expect(after, name).toEqual(before);
  } else {
    await expect(page.getByTestId('overview-rows')).toHaveAttribute('data-value', String(expected.rows));
    await expect(page.getByTestId('overview-classes')).toHaveAttribute(
      'data-value',
      String(expected.classes),
    );
    if (expected.warning) await expect(page.getByTestId('warnings-report')).toContainText(expected.warning);
    expect(after.datasets, name).toBe(before.datasets + 1);
    expect(after.datasetArrays, name).toBe(before.datasetArrays + 1);
  }
  // A fresh page for the next file: stale messages cannot be mistaken for its outcome, and the store is reread. The
  // start screen's address, since a reload returns to the place in the URL (an imported file's overview).
  await page.goto('/');
  await waitIdle(page);
}

test('every small hostile file ends in a clear message or a clean import', async ({ page }) => {
  const problems = guard(page);
  await page.addInitScript(watchLongTasks);
  await openApp(page);
  for (const item of SMALL) await runCase(page, problems, item);
});

test('the large hostile files are refused early by the limits, naming the limit', async ({ page }) => {
  const problems = guard(page);
  await page.addInitScript(watchLongTasks);
  await openApp(page);
  const cases: Case[] = [
    {
      file: generated['single-line-10mb.csv'] ?? '',
      expected: { outcome: 'refused', message: /single-line-10mb\.csv, line 1: no line end/ },
    },
    {
      file: generated['columns-20000.csv'] ?? '',
      expected: { outcome: 'refused', message: /columns-20000\.csv.*5,000/is },
    },
    {
      file: generated['classes-10000.csv'] ?? '',
      expected: { outcome: 'refused', message: /classes-10000\.csv.*line \d.*1,000/is },
    },
  ];
  for (const item of cases) await runCase(page, problems, item);
});

test('crafted labels and ids show as literal text, never as markup or links', async ({ page }) => {
  const problems = guard(page);
  await openApp(page);
  const outcome = await feed(page, hostile('payload-labels.csv'));
  expect(outcome.kind, outcome.text).toBe('imported');
  // The chart writes each label into a bar's <title> in full and beside the bar (cut at 22 characters), as text.
  const chart = page.getByTestId('class-balance');
  await expect(chart.locator('title')).toHaveCount(5);
  const titles = await chart.locator('title').allTextContents();
  const barLabels = await chart.locator('.bar-label').allTextContents();
  for (const label of [
    '<img src=x onerror="window.__pwned=1;alert(1)">',
    'javascript:alert(1)',
    '=HYPERLINK("http://x","y")',
    '@SUM(1+1)',
    '\u202Eevil\u200Bcls',
  ]) {
    expect(titles).toContain(`${label}: 4 rows (20.0%)`);
    expect(barLabels).toContain(label.length > 22 ? `${label.slice(0, 21)}…` : label);
  }
  await expect(page.locator('img')).toHaveCount(0);
  await expect(page.locator('a[href^="javascript:"]')).toHaveCount(0);
  expect(await page.evaluate(() => window.__pwned)).toBeUndefined();
  expect(problems).toEqual([]);
  await page.getByRole('button', { name: '← All datasets' }).click();
  await expect(datasetRow(page, 'payload-labels')).toBeVisible();
  // Prototype keys as column names: the import stores them as plain feature names, and Object.prototype is intact.
  const proto = await feed(page, hostile('proto-columns.csv'));
  expect(proto.kind, proto.text).toBe('imported');
  await expect(page.getByTestId('overview-features')).toHaveAttribute('data-value', '3');
  for (const column of ['__proto__', 'constructor', 'prototype']) {
    await expect(
      page.getByTestId('feature-table').getByRole('cell', { name: column, exact: true }),
    ).toBeVisible();
  }
  expect(await page.evaluate(() => Object.keys(Object.prototype).length)).toBe(0);
  expect(problems).toEqual([]);
});
