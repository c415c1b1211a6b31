// Google's Node quickstart way of signing in: @google-cloud/local-auth's authenticate().
// The benchmark measures how long it takes to hand the authorization URL to the browser.
import { authenticate } from '@google-cloud/local-auth';

await authenticate({
  scopes: ['https://www.googleapis.com/auth/drive.metadata.readonly'],
  keyfilePath: process.argv[2],
});
