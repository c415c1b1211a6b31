// Google's Node quickstart way of listing files with stored credentials: the authorized_user
// file loaded with google.auth.fromJSON, the googleapis Drive client (rootUrl pointed at the
// emulator). The cached access token is set so that both stacks make exactly one request.
import { readFileSync } from 'node:fs';
import { google } from 'googleapis';

const stored = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const auth = google.auth.fromJSON(stored);
auth.setCredentials({
  ...auth.credentials,
  access_token: stored.token,
  expiry_date: Date.parse(stored.expiry),
});
const drive = google.drive({ version: 'v3', auth, rootUrl: process.argv[3] });
const response = await drive.files.list({
  pageSize: 5,
  orderBy: 'modifiedByMeTime desc',
  fields: 'nextPageToken, files(id, name)',
});
for (const file of response.data.files ?? []) process.stdout.write(`${file.name} (${file.id})\n`);
