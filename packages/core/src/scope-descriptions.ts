/**
 * What Google's consent screen says for a scope, word for word, so that a program can name the
 * box a user left unticked in the words they saw. Scopes not listed here are shown as they are.
 * Source: Google's OAuth 2.0 scopes page and its consent screen (English).
 */
const CONSENT_SCREEN_WORDS: Readonly<Record<string, string>> = {
  openid: 'Associate you with your personal info on Google',
  email: 'See your primary Google Account email address',
  profile: "See your personal info, including any personal info you've made publicly available",
  'https://www.googleapis.com/auth/userinfo.email': 'See your primary Google Account email address',
  'https://www.googleapis.com/auth/userinfo.profile':
    "See your personal info, including any personal info you've made publicly available",
  'https://www.googleapis.com/auth/drive':
    'See, edit, create, and delete all of your Google Drive files',
  'https://www.googleapis.com/auth/drive.readonly': 'See and download all your Google Drive files',
  'https://www.googleapis.com/auth/drive.file':
    'See, edit, create, and delete only the specific Google Drive files you use with this app',
  'https://www.googleapis.com/auth/drive.metadata':
    'View and manage metadata of files in your Google Drive',
  'https://www.googleapis.com/auth/drive.metadata.readonly':
    'See information about your Google Drive files',
  'https://www.googleapis.com/auth/drive.appdata':
    'See, create, and delete its own configuration data in your Google Drive',
  'https://www.googleapis.com/auth/drive.photos.readonly':
    'View the photos, videos and albums in your Google Photos',
  'https://www.googleapis.com/auth/gmail.readonly': 'View your email messages and settings',
  'https://www.googleapis.com/auth/calendar.readonly':
    'See and download any calendar you can access using your Google Calendar',
  'https://www.googleapis.com/auth/spreadsheets.readonly':
    'See all your Google Sheets spreadsheets',
};

/**
 * The words Google's consent screen shows for `scope` ("See information about your Google Drive
 * files" for `drive.metadata.readonly`), or the scope itself when it is not one this package
 * knows.
 *
 * @example
 * ```ts
 * describeScope('https://www.googleapis.com/auth/drive.metadata.readonly');
 * // → 'See information about your Google Drive files'
 * ```
 */
export function describeScope(scope: string): string {
  return Object.hasOwn(CONSENT_SCREEN_WORDS, scope)
    ? (CONSENT_SCREEN_WORDS[scope] as string)
    : scope;
}
