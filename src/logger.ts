import pino from 'pino';

export type Logger = pino.Logger;

/** Structured JSON logs; secrets are redacted wherever they might appear. */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: undefined,
      redact: {
        paths: [
          'authorization',
          '*.authorization',
          'headers.authorization',
          'req.headers.authorization',
          'connectionString',
          '*.connectionString',
          'appPassword',
          '*.appPassword',
          'MicrosoftAppPassword',
        ],
        censor: '[redacted]',
      },
    },
    destination,
  );
}
