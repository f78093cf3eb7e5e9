/** Where the lab files live on a host (`CNLAB_HOME`): lib/, components/, images/, steps/, provision.sh. */
export const LAB_HOME = '/opt/container-networks';

/** Where cfn-init writes the image build contexts on a host, one folder per image. */
export const HOST_IMAGES_DIRECTORY = `${LAB_HOME}/images/`;

/** Provisioning's state folder on a host. */
export const LAB_STATE_DIRECTORY = '/var/lib/container-networks';

/** Written by provisioning (assets/host/provision.sh) when every component is installed and checked. */
export const READY_FILE = `${LAB_STATE_DIRECTORY}/ready`;

/** Written by provisioning when a phase failed: the phase's name. */
export const FAILED_PHASE_FILE = `${LAB_STATE_DIRECTORY}/failed-step`;
