import type { Prng } from './prng.ts';

/** User agents of the clients AWS callers use, as CloudTrail records them. */

const BROWSERS = [
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0',
];

/** A browser, for console sign-ins and console-made calls. */
export function browserAgent(rng: Prng): string {
  return rng.pick(BROWSERS);
}

/** The AWS CLI running `command` (for example `ssm.start-session`). */
export function cliAgent(rng: Prng, command: string): string {
  const os = rng.pick(['linux#6.5.0-1022-aws', 'macos#23.5.0', 'windows#10']);
  return `aws-cli/2.17.${rng.int(1, 40)} md/awscrt#0.20.11 ua/2.0 os/${os} md/arch#x86_64 lang/python#3.11.8 md/command#${command}`;
}

/** An SDK or tool used by automation: Boto3, the JavaScript SDK or Terraform. */
export function automationAgent(rng: Prng): string {
  switch (rng.int(0, 4)) {
    case 0:
    case 1:
      return `Boto3/1.34.${rng.int(10, 140)} md/Botocore#1.34.${rng.int(10, 140)} ua/2.0 os/linux#5.10.219 lang/python#3.12.3 Botocore/1.34.${rng.int(10, 140)}`;
    case 2:
    case 3:
      return `aws-sdk-js/3.${rng.int(500, 620)}.0 ua/2.0 os/linux#5.10.219-229.866.amzn2.x86_64 lang/js md/nodejs#20.15.0`;
    default:
      return `APN/1.0 HashiCorp/1.0 Terraform/1.8.5 (+https://www.terraform.io) terraform-provider-aws/5.55.0 (+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go-v2/1.30.0 ua/2.0 os/linux lang/go#1.22.4 md/GOOS#linux md/GOARCH#amd64`;
  }
}

/** A public address from the documentation ranges (RFC 5737), never a real network. */
export function publicIp(rng: Prng): string {
  return `${rng.pick(['192.0.2', '198.51.100', '203.0.113'])}.${rng.int(1, 254)}`;
}
