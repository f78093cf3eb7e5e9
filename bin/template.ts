#!/usr/bin/env node
/**
 * Writes the self-contained template (npm run template): the whole lab of one
 * attendee (network, step documents, hosts) as ONE CloudFormation template
 * with no asset and no bootstrap reference, for attendees who deploy into
 * their own account (console or `aws cloudformation deploy`) and for AWS
 * Workshop Studio. Its last line of output is the path of the file written.
 *
 *   npm run template                                   # cdk.out.template/container-networks-lab.template.json
 *   npm run template -- --workshop-studio              # adds AssetsBucketName/AssetsBucketPrefix parameters
 *   npm run template -- --out FILE --workshop-name NAME
 */
import * as fs from 'fs';
import * as path from 'path';
import { DEFAULT_TEMPLATE_FILE, INLINE_TEMPLATE_LIMIT, selfContainedTemplate } from '../lib/app/self-contained-template';

interface Options {
  out: string;
  workshopStudio: boolean;
  workshopName?: string;
}

function parseArgs(args: readonly string[]): Options {
  const options: Options = { out: DEFAULT_TEMPLATE_FILE, workshopStudio: false };
  for (let index = 0; index < args.length; index++) {
    const arg = args[index];
    if (arg === '--workshop-studio') {
      options.workshopStudio = true;
    } else if (arg === '--out' && args[index + 1]) {
      options.out = args[++index];
    } else if (arg === '--workshop-name' && args[index + 1]) {
      options.workshopName = args[++index];
    } else {
      throw new Error(`unknown argument ${JSON.stringify(arg)}; usage: npm run template -- [--workshop-studio] [--out FILE] [--workshop-name NAME]`);
    }
  }
  return options;
}

if (require.main === module) {
  try {
    const options = parseArgs(process.argv.slice(2));
    const text = selfContainedTemplate(options);
    fs.mkdirSync(path.dirname(options.out), { recursive: true });
    fs.writeFileSync(options.out, text);
    const bytes = Buffer.byteLength(text);
    console.error(`container-networks-lab template: ${bytes} bytes${options.workshopStudio ? ', for AWS Workshop Studio' : ''}` +
      (bytes > INLINE_TEMPLATE_LIMIT ? ` (over ${INLINE_TEMPLATE_LIMIT}: the console uploads it to S3 for you; the CLI needs --s3-bucket)` : ''));
    console.log(options.out);
  } catch (error) {
    console.error(`container-networks-lab template: ${(error as Error).message}`);
    process.exit(1);
  }
}
