import type { DriveFile, FileList } from './drive.js';
import { neutralise } from './terminal-text.js';

const KINDS: Record<string, string> = {
  'application/vnd.google-apps.folder': 'Folder',
  'application/vnd.google-apps.document': 'Google Doc',
  'application/vnd.google-apps.spreadsheet': 'Google Sheet',
  'application/vnd.google-apps.presentation': 'Google Slides',
  'application/vnd.google-apps.form': 'Google Form',
  'application/pdf': 'PDF',
};

export function kindOf(mimeType: string | null | undefined): string {
  if (!mimeType) return '';
  return KINDS[mimeType] ?? mimeType;
}

/** Local time, minutes precision: 2026-11-20 11:00. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

function row(file: DriveFile): string[] {
  return [
    neutralise(file.name ?? ''),
    formatTime(file.modifiedByMeTime ?? file.modifiedTime),
    neutralise(kindOf(file.mimeType)),
    neutralise(file.id ?? ''),
  ];
}

function truncate(text: string, width: number): string {
  return text.length > width ? `${text.slice(0, width - 1)}…` : text;
}

/**
 * The listing for people: an aligned table with a header on a terminal, tab-separated lines
 * without one when piped (like gh), control characters neutralised in both.
 */
export function formatFiles(list: FileList, options: { terminal: boolean }): string {
  const files = list.files ?? [];
  if (files.length === 0) return options.terminal ? 'No files found.\n' : '';
  const rows = files.map(row);
  if (!options.terminal) return rows.map((cells) => `${cells.join('\t')}\n`).join('');
  const header = ['NAME', 'MODIFIED', 'TYPE', 'ID'];
  const table = [header, ...rows.map(([name = '', ...rest]) => [truncate(name, 48), ...rest])];
  const widths = header.map((_, column) =>
    Math.max(...table.map((cells) => (cells[column] ?? '').length)),
  );
  return table
    .map((cells) =>
      cells
        .map((cell, column) =>
          column === cells.length - 1 ? cell : cell.padEnd(widths[column] ?? 0),
        )
        .join('  ')
        .concat('\n'),
    )
    .join('');
}
