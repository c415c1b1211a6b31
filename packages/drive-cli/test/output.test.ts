// The listing's formatting, on the built module the binary runs (c8 measures dist/).
import { describe, expect, it } from '@jest/globals';
import { formatFiles, formatTime, kindOf } from '../dist/output.js';
import { neutralise } from '../dist/terminal-text.js';

describe('the listing', () => {
  it('leaves a cell empty for what Drive left out or could not be read', () => {
    expect(kindOf(undefined)).toBe('');
    expect(kindOf('application/pdf')).toBe('PDF');
    expect(kindOf('image/png')).toBe('image/png');
    expect(formatTime(null)).toBe('');
    expect(formatTime('not a time')).toBe('');
    expect(formatFiles({ files: [{ mimeType: 'application/pdf' }] }, { terminal: false })).toBe(
      '\t\tPDF\t\n',
    );
  });

  it('prints nothing for a response without files, and says so on a terminal', () => {
    expect(formatFiles({}, { terminal: false })).toBe('');
    expect(formatFiles({}, { terminal: true })).toBe('No files found.\n');
  });
});

describe('text from elsewhere on a terminal', () => {
  it('shows control characters and bidirectional overrides as escapes', () => {
    // U+202E would make "gpj.exe" display as "exe.jpg" (a file name spoofing trick).
    expect(neutralise('photo\u202egpj.exe')).toBe('photo\\u202egpj.exe');
    expect(neutralise('bell\u0007 and\ttab')).toBe('bell\\x07 and\\x09tab');
    expect(neutralise('Café — naïve')).toBe('Café — naïve');
  });
});
