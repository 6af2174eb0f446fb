/**
 * Where the API is. `npm start` in the repository serves the local twin on http://127.0.0.1:3000; in WeChat DevTools
 * tick "Does not verify valid domain names…" (project.config.json sets urlCheck: false). For a deployed stack use
 * its ApiUrl output (an HTTPS domain on the mini program's request-domain list).
 */
export const BASE_URL = 'http://127.0.0.1:3000';
