import { describe, expect, it } from 'vitest';
import { engineOption, transform as transformCommand } from '../../cli/commands/transform.ts';
import { UsageError } from '../../cli/io.ts';
import { configSchema, TRANSFORM_ENGINES } from '../../lake/config.ts';
import { DECODER_NAMES, DECODERS } from '../../transform/decoders/index.ts';

describe('the decoder registry', () => {
  it('has exactly one decoder per engine name of the config', () => {
    expect([...DECODER_NAMES].sort()).toEqual([...TRANSFORM_ENGINES].sort());
    for (const name of DECODER_NAMES) {
      expect(DECODERS[name].summary.length).toBeGreaterThan(0);
      expect(typeof DECODERS[name].create).toBe('function');
    }
  });

  it.each(DECODER_NAMES.map((name) => [name]))('config and CLI accept %s', (name) => {
    // act
    const config = configSchema.parse({ transform: { engine: name } });
    // assess
    expect(config.transform.engine).toBe(name);
    expect(engineOption(name)).toBe(name);
    expect(transformCommand.usage).toContain(name);
    expect(transformCommand.help.join('\n')).toContain(`${name}: ${DECODERS[name].summary}`);
  });

  it('config and CLI refuse a name the registry does not have, naming the ones it has', () => {
    expect(configSchema.safeParse({ transform: { engine: 'spark' } }).success).toBe(false);
    expect(() => engineOption('spark')).toThrow(UsageError);
    expect(() => engineOption('spark')).toThrow(DECODER_NAMES.join(' or '));
    expect(engineOption(undefined)).toBeUndefined();
  });
});
