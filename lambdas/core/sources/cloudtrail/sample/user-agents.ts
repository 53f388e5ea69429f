/** User agents of the sample's browsers, CLIs, SDKs and Terraform, as CloudTrail records them. */

const WEBKIT = 'AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36';
export const CHROME_MAC = `Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) ${WEBKIT}`;
export const CHROME_WIN = `Mozilla/5.0 (Windows NT 10.0; Win64; x64) ${WEBKIT}`;
export const EDGE_WIN = `${CHROME_WIN} Edg/142.0.0.0`;
export const FIREFOX_WIN = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:145.0) Gecko/20100101 Firefox/145.0';
export const SAFARI_MAC =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/26.1 Safari/605.1.15';
/** aws-cli v2 names the command it runs (`md/command#ec2.describe-instances`): `{command}` is filled per call. */
export const CLI_MAC =
  'aws-cli/2.31.12 md/awscrt#0.28.1 ua/2.1 os/macos#24.6.0 md/arch#arm64 lang/python#3.13.7 md/pyimpl#CPython ' +
  'm/Z,b,E cfg/retry-mode#standard md/installer#source md/prompt#off md/command#{command}';
export const CLI_LINUX =
  'aws-cli/2.30.6 md/awscrt#0.27.6 ua/2.1 os/linux#6.8.0-87-generic md/arch#x86_64 lang/python#3.13.7 ' +
  'md/pyimpl#CPython m/E,Z,b cfg/retry-mode#standard md/installer#exe md/distrib#ubuntu.24 md/prompt#off ' +
  'md/command#{command}';
export const BOTO3 =
  'Boto3/1.40.55 md/Botocore#1.40.55 ua/2.1 os/linux#6.8.0-1036-aws md/arch#x86_64 lang/python#3.12.3 ' +
  'md/pyimpl#CPython m/Z,D cfg/retry-mode#legacy Botocore/1.40.55';
/** SDKs for Go and JavaScript name the service client (`api/ec2#1.254.1`): `{svc}` is filled per call. */
export const TERRAFORM =
  'APN/1.0 HashiCorp/1.0 Terraform/1.13.4 (+https://www.terraform.io) terraform-provider-aws/6.18.0 ' +
  '(+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go-v2/1.39.2 ua/2.1 os/linux lang/go#1.24.8 ' +
  'md/GOOS#linux md/GOARCH#amd64 api/{svc}#1.54.3 m/C,Z';
export const JAVA_SDK =
  'aws-sdk-java/2.29.15 Linux/6.1.115-126.197.amzn2023.x86_64 OpenJDK_64-Bit_Server_VM/21.0.5+11-LTS ' +
  'Java/21.0.5 vendor/Amazon.com_Inc. md/internal io/sync http/Apache cfg/retry-mode/legacy';
export const LAMBDA_PY =
  'Boto3/1.38.36 md/Botocore#1.38.36 ua/2.1 os/linux#5.10.240-259.969.amzn2.x86_64 md/arch#x86_64 ' +
  'lang/python#3.12.11 md/pyimpl#CPython exec-env/AWS_Lambda_python3.12 cfg/retry-mode#legacy Botocore/1.38.36';
export const LAMBDA_NODE =
  'aws-sdk-js/3.840.0 ua/2.1 os/linux#5.10.240-259.969.amzn2.x86_64 lang/js md/nodejs#20.19.4 ' +
  'api/{svc}#3.840.0 m/N,E,e exec-env/AWS_Lambda_nodejs20.x';

/** Agents of the attack scenarios: no employee uses them. */
export const ATTACKER_BROWSER = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0';
export const ATTACKER_CLI =
  'aws-cli/2.15.30 md/awscrt#0.19.19 ua/2.0 os/linux#6.6.15-amd64 md/arch#x86_64 lang/python#3.11.8 ' +
  'md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe md/distrib#kali.2024 md/prompt#off md/command#{command}';
export const ROOT_BROWSER = EDGE_WIN;
