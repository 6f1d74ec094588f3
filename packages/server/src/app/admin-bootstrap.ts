/**
 * The first-start admin account (issue 8). A generated password is shown once and never enters the JSON log
 * stream: written to the terminal when stdout is one, else to `<dataDir>/admin-password.txt`, readable only by
 * the owner, whose path (never the password) is logged. A LIGHTSTICK_ADMIN_PASSWORD that no longer matches the
 * stored admin password is reported: it only seeds the first start.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { AuthService } from '../auth/auth-service.ts';
import { ConfigError } from '../config/load.ts';
import { isAppError } from '../errors.ts';
import type { Logger } from '../observability/logger.ts';

export const ADMIN_PASSWORD_FILE = 'admin-password.txt';

export async function bootstrapAdmin(deps: {
  auth: AuthService;
  password: string | undefined;
  dataDir: string;
  logger: Logger;
  /** Where a terminal is; default process.stdout (tests pass a non-terminal). */
  terminal?: { isTTY?: boolean; write(text: string): unknown };
}): Promise<void> {
  const out = await deps.auth.ensureAdminAccount(deps.password).catch((err: unknown) => {
    // A configured password the account rules refuse (too short, breached) is a configuration error: say
    // which setting, and stop with the configuration exit code rather than a stack trace.
    if (isAppError(err) && err.code === 'validation_failed') {
      throw new ConfigError(`LIGHTSTICK_ADMIN_PASSWORD is refused: ${err.message}`);
    }
    throw err;
  });
  if (out.passwordMismatch) {
    deps.logger.warn(
      "LIGHTSTICK_ADMIN_PASSWORD does not match the admin account's password and is ignored: it only sets the " +
        'password on first start. Change it with PUT /api/me/password, or unset the variable.',
    );
  }
  if (out.generatedPassword === undefined) return;
  const terminal = deps.terminal ?? process.stdout;
  if (terminal.isTTY) {
    terminal.write(`\nLightstick created the account "admin" with password: ${out.generatedPassword}\n\n`);
    return;
  }
  const file = path.join(deps.dataDir, ADMIN_PASSWORD_FILE);
  mkdirSync(deps.dataDir, { recursive: true });
  writeFileSync(file, `${out.generatedPassword}\n`, { mode: 0o600 });
  deps.logger.warn(
    { file },
    'created the account "admin" with a generated password, written to this file (owner-only); ' +
      'sign in, change it, and delete the file',
  );
}
