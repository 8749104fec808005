import { embeddedReviewPaths, ensureLocalKey, mintToken } from '../../api/index.ts';
import { type Command, intOption } from '../command.ts';
import { UsageError } from '../io.ts';

export const tokenCommand: Command = {
  name: 'token',
  summary:
    'mint a review token for an identity with the local signing key (embedded mode, for trying it out)',
  usage: 'loglake token --as <identity> [--ttl <seconds>] [--port <n>]',
  help: [
    '--as <identity>   who the token is for (the `sub` claim), e.g. manager-a',
    '--ttl <seconds>   lifetime (default 28800, 8 hours)',
    '--port <n>        port of `loglake serve` for the sign-in link (default 8787)',
  ],
  options: { as: { type: 'string' }, ttl: { type: 'string' }, port: { type: 'string' } },
  async run({ values, io, config }) {
    const subject = values.as;
    if (typeof subject !== 'string' || subject.trim() === '')
      throw new UsageError('give the identity: loglake token --as manager-a');
    const c = config();
    if (c.mode !== 'embedded')
      throw new UsageError(
        'loglake token signs with the embedded local key; on AWS, tokens come from your issuer',
      );
    const key = await ensureLocalKey(embeddedReviewPaths(c).key);
    const token = await mintToken(key, { subject, ttlSeconds: intOption(values, 'ttl', 8 * 3600) });
    io.out(token);
    io.err(`review page: http://127.0.0.1:${intOption(values, 'port', 8787)}/review/login?token=${token}`);
    return 0;
  },
};
