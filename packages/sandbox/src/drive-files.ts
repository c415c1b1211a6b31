/** One file as the Drive v3 API describes it (the fields the emulator knows). */
export interface DriveFile {
  kind: 'drive#file';
  id: string;
  name: string;
  mimeType: string;
  createdTime: string;
  modifiedTime: string;
  /** Absent on files the user never modified themselves, as in Drive. */
  modifiedByMeTime?: string;
  trashed: boolean;
  starred: boolean;
  size?: string;
  webViewLink: string;
}

const GOOGLE_DOC = 'application/vnd.google-apps.document';
const GOOGLE_SHEET = 'application/vnd.google-apps.spreadsheet';
const GOOGLE_SLIDES = 'application/vnd.google-apps.presentation';
const FOLDER = 'application/vnd.google-apps.folder';

/** [name, mimeType, hours before the reference time it was last modified, modified by me?, trashed?] */
type Seed = [string, string, number, boolean, boolean];

const SEEDS: Seed[] = [
  ['Quarterly planning — Q4', GOOGLE_DOC, 1, true, false],
  ['Budget 2027', GOOGLE_SHEET, 3, true, false],
  ['Team offsite photos', FOLDER, 5, true, false],
  ['Onboarding checklist', GOOGLE_DOC, 8, true, false],
  ['Release notes draft', GOOGLE_DOC, 12, true, false],
  ['Customer interviews.pdf', 'application/pdf', 2, false, false],
  ['Roadmap review', GOOGLE_SLIDES, 20, true, false],
  ['Invoice 2026-11.pdf', 'application/pdf', 26, true, false],
  ['Expenses November', GOOGLE_SHEET, 30, true, false],
  ['architecture-diagram.png', 'image/png', 40, true, false],
  ['Meeting notes 2026-11-18', GOOGLE_DOC, 50, true, false],
  ['Old draft (delete me)', GOOGLE_DOC, 4, true, true],
  ['Hiring plan', GOOGLE_SHEET, 60, true, false],
  ['Design system tokens.json', 'application/json', 72, true, false],
  ['Shared with me: vendor contract.pdf', 'application/pdf', 6, false, false],
  ['Conference talk', GOOGLE_SLIDES, 90, true, false],
  ['backup-2026-10.zip', 'application/zip', 100, true, false],
  ['Reading list', GOOGLE_DOC, 120, true, false],
  ['Tax documents', FOLDER, 150, true, false],
  ['Garden plan.jpg', 'image/jpeg', 170, true, false],
  ['Recipes', GOOGLE_DOC, 200, true, false],
  ['Running log', GOOGLE_SHEET, 230, true, false],
  ['Holiday schedule', GOOGLE_SHEET, 260, true, false],
  ['notes.txt', 'text/plain', 300, true, false],
  ['Weird \u001b[31mred\u001b[0m name\u0007.txt', 'text/plain', 320, true, false],
  ['Project Aurora', FOLDER, 350, true, false],
  ['Board deck', GOOGLE_SLIDES, 400, true, false],
  ['Lease agreement.pdf', 'application/pdf', 450, false, false],
  ['Car insurance.pdf', 'application/pdf', 500, true, false],
  ['Wedding guest list', GOOGLE_SHEET, 550, true, false],
  ['Trashed spreadsheet', GOOGLE_SHEET, 9, true, true],
  ['Résumé 2026', GOOGLE_DOC, 600, true, false],
  ['日本語のメモ', GOOGLE_DOC, 650, true, false],
  ['podcast-episode-12.mp3', 'audio/mpeg', 700, true, false],
  ['Screenshot 2026-10-01.png', 'image/png', 750, true, false],
  ['Archive', FOLDER, 800, true, false],
];

/** The moment the seed data calls "now"; fixed so that every run lists the same order. */
export const SEED_REFERENCE_TIME = Date.parse('2026-11-20T12:00:00.000Z');

/** A few dozen realistic files with a deterministic order under every supported orderBy. */
export function seedDriveFiles(): DriveFile[] {
  return SEEDS.map(([name, mimeType, hoursAgo, byMe, trashed], index) => {
    const modified = new Date(SEED_REFERENCE_TIME - hoursAgo * 3_600_000).toISOString();
    const created = new Date(SEED_REFERENCE_TIME - (hoursAgo + 24 * (index + 1)) * 3_600_000);
    const id = `1sbx${String(index).padStart(3, '0')}${name.length.toString(36)}AbCdEfGhIjKlMnOp`;
    const file: DriveFile = {
      kind: 'drive#file',
      id,
      name,
      mimeType,
      createdTime: created.toISOString(),
      modifiedTime: modified,
      trashed,
      starred: index % 7 === 0,
      webViewLink: `https://drive.google.com/file/d/${id}/view`,
    };
    if (byMe) file.modifiedByMeTime = modified;
    if (!mimeType.startsWith('application/vnd.google-apps.'))
      file.size = String(1024 * (index + 3));
    return file;
  });
}
