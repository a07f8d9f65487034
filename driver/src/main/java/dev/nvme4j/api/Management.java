package dev.nvme4j.api;

import java.util.List;

/**
 * Typed management operations of a {@link Controller} ({@link Controller#management()}): Format
 * NVM, features, firmware, namespace management and attachment, device self-test and sanitize,
 * with their log pages decoded.
 *
 * <p>Each operation first checks that the controller supports it (the Identify Controller field
 * that says so) and otherwise throws an {@link UnsupportedOperationException} naming the field and
 * its value; a command the controller rejects throws an {@link NvmeException} with its status.
 * The destructive ones (format, sanitize, namespace deletion, firmware commit) need
 * {@link Confirm#DESTRUCTIVE} and are refused with an {@link IllegalStateException} while any I/O
 * queue pair of this controller is open (every queue pair can address every namespace): close
 * them first. After a format or a namespace change the namespace table is identified again
 * ({@link Controller#rescanNamespaces()}). Thread-safe: the commands share the admin queue.
 */
public interface Management {
    /** Format NVM parameters (Base 5.14): LBA format index, secure erase, protection information. */
    record FormatRequest(int lbaFormat, int secureErase, int protectionType, boolean protectionFirst,
                         boolean extendedLba) {
        public FormatRequest {
            if (lbaFormat < 0 || lbaFormat > 63 || secureErase < 0 || secureErase > 7 || protectionType < 0
                    || protectionType > 7) {
                throw new IllegalArgumentException("LBA format index is 0-63, secure erase 0-7, protection type 0-7;"
                        + " got " + lbaFormat + ", " + secureErase + ", " + protectionType);
            }
        }

        /** LBA format {@code index}, no secure erase, no protection information. */
        public static FormatRequest lbaFormat(int index) {
            return new FormatRequest(index, 0, 0, false, false);
        }
    }

    /** A feature's value: completion dword 0 and, for features with a data structure, its bytes. */
    record FeatureValue(int dword0, byte[] data) {
    }

    /**
     * The Firmware Slot Information log (Base 5.16.1.5).
     *
     * @param activeSlot    the slot the running firmware came from (1-7)
     * @param nextResetSlot the slot activated at the next reset, 0 when none is pending
     * @param revisions     the revision in each slot 1-7 (index 0 is slot 1); empty for an empty slot
     */
    record FirmwareSlots(int activeSlot, int nextResetSlot, List<String> revisions) {
    }

    /** Firmware Commit actions (Base 5.12, CA field). */
    enum CommitAction {
        /** Replace the image in the slot with the downloaded one; do not activate it. */
        REPLACE(0),
        /** Replace, and activate at the next reset. */
        REPLACE_AND_ACTIVATE(1),
        /** Activate the image already in the slot at the next reset. */
        ACTIVATE(2),
        /** Replace and activate at once, without a reset (FRMW bit 4). */
        REPLACE_AND_ACTIVATE_NOW(3),
        /** Replace the boot partition named by the boot partition ID with the downloaded image (CAP.BPS). */
        REPLACE_BOOT_PARTITION(6),
        /** Mark the boot partition named by the boot partition ID active (CAP.BPS). */
        ACTIVATE_BOOT_PARTITION(7);

        public final int code;

        CommitAction(int code) {
            this.code = code;
        }
    }

    /** What a Firmware Commit that succeeded leaves to do. */
    enum Activation {
        /** The image was stored, nothing is activated. */
        NONE,
        /** The new firmware runs after the next controller reset. */
        AT_NEXT_RESET,
        /** The new firmware runs now. */
        NOW,
        /** Stored; running it needs a conventional reset (status 10Bh). */
        NEEDS_CONVENTIONAL_RESET,
        /** Stored; running it needs an NVM subsystem reset (status 110h). */
        NEEDS_SUBSYSTEM_RESET,
        /** Stored; running it needs a controller level reset (status 111h). */
        NEEDS_CONTROLLER_RESET
    }

    /**
     * Namespace Management create parameters (Base 5.20, the Identify Namespace fields it uses).
     *
     * @param extendedLba     FLBAS bit 4: the metadata at the end of each block's data
     * @param anaGroupId      ANAGRPID (0: none)
     * @param nvmSetId        NVMSETID (0: none)
     * @param commandSet      CSI of the namespace (0: NVM), CDW11 bits 31:24
     * @param storageTagMask  LBSTM (0: none)
     */
    record NamespaceSpec(long sizeBlocks, long capacityBlocks, int lbaFormat, int protection, boolean shared,
                         boolean extendedLba, int anaGroupId, int nvmSetId, int commandSet, long storageTagMask) {
        public NamespaceSpec {
            if (sizeBlocks < 1 || capacityBlocks < 1 || capacityBlocks > sizeBlocks || lbaFormat < 0
                    || lbaFormat > 63 || protection < 0 || protection > 15) {
                throw new IllegalArgumentException("a namespace needs 1 <= capacity <= size (blocks), LBA format 0-63"
                        + " and DPS 0-15; got size " + sizeBlocks + ", capacity " + capacityBlocks + ", format "
                        + lbaFormat + ", dps " + protection);
            }
            if (nvmSetId < 0 || nvmSetId > 0xFFFF || commandSet < 0 || commandSet > 0xFF) {
                throw new IllegalArgumentException("NVMSETID is 16 bits and CSI 8; got " + nvmSetId + ", "
                        + commandSet);
            }
        }

        /** A namespace of the NVM Command Set without ANA group, NVM Set or storage tags. */
        public NamespaceSpec(long sizeBlocks, long capacityBlocks, int lbaFormat, int protection, boolean shared) {
            this(sizeBlocks, capacityBlocks, lbaFormat, protection, shared, false, 0, 0, 0, 0);
        }
    }

    /** Device self-test codes (Base 5.11, STC). */
    enum SelfTest {
        SHORT(1), EXTENDED(2), ABORT(0xF);

        public final int code;

        SelfTest(int code) {
            this.code = code;
        }
    }

    /**
     * One Self-test Result Data Structure (Base 5.16.1.7).
     *
     * @param code      self-test code (1 short, 2 extended, Eh vendor specific)
     * @param result    0 completed without error, 1 aborted by a Device Self-test command, 2 by a
     *                  reset, 3 by a namespace removal, 4 by a format, 5 fatal error, 6 unknown
     *                  segment failed, 7 segments failed, 8 aborted for an unknown reason, 9 by a sanitize
     * @param segment   number of the segment that failed (0 when none)
     * @param validInfo bit 0 nsid valid, 1 failing LBA valid, 2 status code type valid, 3 status code valid
     * @param vendorSpecific the entry's two vendor specific bytes (little-endian)
     */
    record SelfTestResult(int code, int result, int segment, int validInfo, long powerOnHours, int nsid,
                          long failingLba, int statusCodeType, int statusCode, int vendorSpecific) {
    }

    /**
     * The Device Self-test log.
     *
     * @param operation  the self-test in progress (0 none, 1 short, 2 extended)
     * @param completion percent done of it
     * @param results    the newest first, entries that are not used left out
     */
    record SelfTestLog(int operation, int completion, List<SelfTestResult> results) {
    }

    /** Sanitize actions (Base 5.24, SANACT). */
    enum SanitizeAction {
        EXIT_FAILURE_MODE(1), BLOCK_ERASE(2), OVERWRITE(3), CRYPTO_ERASE(4);

        public final int code;

        SanitizeAction(int code) {
            this.code = code;
        }
    }

    /**
     * The Sanitize Status log (Base 5.16.1.25).
     *
     * @param progress   SPROG: fraction done, in 1/65536
     * @param status     SSTAT bits 2:0: 0 never sanitized, 1 completed, 2 in progress, 3 failed, 4 completed
     *                   without deallocation
     * @param sstat      the whole SSTAT field
     * @param cdw10      SCDW10 of the last Sanitize command
     * @param estimates  the estimated times in seconds, {@link #NO_ESTIMATE} where none is reported
     */
    record SanitizeStatus(int progress, int status, int sstat, int cdw10, SanitizeEstimates estimates) {
        /** An estimated time of FFFFFFFFh: the controller reports none. */
        public static final long NO_ESTIMATE = 0xFFFF_FFFFL;

        /** SSTAT bits 7:3: overwrite passes completed by the last overwrite sanitize. */
        public int completedPasses() {
            return (sstat >>> 3) & 0x1F;
        }

        /** SSTAT bit 8: Global Data Erased (nothing written to any namespace since the sanitize or the manufacture). */
        public boolean globalDataErased() {
            return (sstat & 1 << 8) != 0;
        }
    }

    /**
     * The Sanitize Status log's estimated times in seconds (ETO, ETBE, ETCE and those with No-Deallocate
     * After Sanitize), each {@link SanitizeStatus#NO_ESTIMATE} when the controller reports none.
     */
    record SanitizeEstimates(long overwrite, long blockErase, long cryptoErase, long overwriteNoDeallocate,
                             long blockEraseNoDeallocate, long cryptoEraseNoDeallocate) {
    }

    /**
     * Formats namespace {@code nsid} (0xFFFFFFFF: all) to {@code request}'s LBA format, erasing it,
     * then identifies the namespaces again. Checks the index against the namespace's formats first.
     */
    default NamespaceChanges format(int nsid, FormatRequest request, Confirm confirm) {
        return format(nsid, request, null, confirm);
    }

    /**
     * As {@link #format(int, FormatRequest, Confirm)} with the Format NVM command's own timeout
     * instead of {@link ControllerOptions#adminTimeout()} (null: that one): a format with a secure
     * erase of a large namespace can take minutes.
     */
    NamespaceChanges format(int nsid, FormatRequest request, java.time.Duration timeout, Confirm confirm);

    /**
     * Get Features: {@code select} 0 current, 1 default, 2 saved, 3 supported capabilities;
     * {@code dataBytes} the size of the feature's data structure (0 for none).
     */
    default FeatureValue getFeature(int featureId, int nsid, int select, int cdw11, int dataBytes) {
        return getFeature(featureId, nsid, select, cdw11, dataBytes, 0);
    }

    /**
     * As {@link #getFeature(int, int, int, int, int)} with a UUID Index (1-127, CDW14; 0: none) for
     * a vendor's feature of that UUID (Identify Controller CTRATT bit 9, UUID List).
     */
    FeatureValue getFeature(int featureId, int nsid, int select, int cdw11, int dataBytes, int uuidIndex);

    /**
     * Set Features with dwords 11 and 12, the Save bit and an optional data structure (null for
     * none); returns completion dword 0. A controller-wide value without Save and data is set again
     * after every reset, as with {@link Controller#setFeature}.
     */
    default int setFeature(int featureId, int nsid, int cdw11, int cdw12, boolean save, byte[] data) {
        return setFeature(featureId, nsid, cdw11, cdw12, save, data, 0);
    }

    /**
     * As {@link #setFeature(int, int, int, int, boolean, byte[])} with a UUID Index (1-127; 0: none);
     * a value set with one is not set again after a reset.
     */
    int setFeature(int featureId, int nsid, int cdw11, int cdw12, boolean save, byte[] data, int uuidIndex);

    /** The Firmware Slot Information log. */
    FirmwareSlots firmwareSlots();

    /**
     * Firmware Image Download of the whole {@code image} in pieces of at most {@code pieceBytes}
     * (0: the controller's limit, FWUG and MDTS), each a multiple of 4 bytes.
     */
    default void downloadFirmware(byte[] image, int pieceBytes) {
        downloadFirmware(image, 0, pieceBytes);
    }

    /**
     * Firmware Image Download of {@code part} at byte {@code offsetBytes} of the image (a multiple
     * of 4), in pieces as {@link #downloadFirmware(byte[], int)}: for an image sent in several parts.
     */
    void downloadFirmware(byte[] part, long offsetBytes, int pieceBytes);

    /** Firmware Commit of slot {@code slot} (0: the controller picks one) with {@code action}. */
    default Activation commitFirmware(int slot, CommitAction action, Confirm confirm) {
        return commitFirmware(slot, action, 0, confirm);
    }

    /**
     * Firmware Commit with boot partition {@code bootPartition} (0 or 1) for the boot partition
     * actions, which need boot partitions (CAP.BPS) and otherwise throw UnsupportedOperationException.
     */
    Activation commitFirmware(int slot, CommitAction action, int bootPartition, Confirm confirm);

    /** Namespace Management create: returns the new NSID (not attached yet). */
    default int createNamespace(NamespaceSpec spec) {
        return createNamespace(spec, null);
    }

    /** As {@link #createNamespace(NamespaceSpec)} with the command's own timeout (null: the admin timeout). */
    int createNamespace(NamespaceSpec spec, java.time.Duration timeout);

    /**
     * Namespace Management delete of {@code nsid} (0xFFFFFFFF: every namespace); its data is lost.
     * An NSID that is not allocated is refused before anything is sent.
     */
    default void deleteNamespace(int nsid, Confirm confirm) {
        deleteNamespace(nsid, null, confirm);
    }

    /** As {@link #deleteNamespace(int, Confirm)} with the command's own timeout (null: the admin timeout). */
    void deleteNamespace(int nsid, java.time.Duration timeout, Confirm confirm);

    /**
     * Namespace Attachment: attaches {@code nsid} to the controllers {@code controllerIds}. An NSID
     * that is not allocated is refused before anything is sent (also by {@link #detachNamespace}).
     */
    void attachNamespace(int nsid, List<Integer> controllerIds);

    /** Namespace Attachment: detaches {@code nsid} from the controllers {@code controllerIds}. */
    void detachNamespace(int nsid, List<Integer> controllerIds);

    /** The allocated NSIDs, attached or not (Identify CNS 10h). */
    List<Integer> allocatedNamespaces();

    /** The raw Identify Namespace of an allocated NSID, attached or not (CNS 11h). */
    byte[] identifyAllocatedNamespace(int nsid);

    /** Controller IDs: of the NVM subsystem ({@code nsid} 0, CNS 13h) or attached to {@code nsid} (CNS 12h). */
    List<Integer> controllers(int nsid);

    /** This controller's ID (Identify Controller CNTLID). */
    int controllerId();

    /** The raw Namespace Granularity List (CNS 16h; CTRATT bit 7). */
    byte[] namespaceGranularity();

    /**
     * Device Self-test: starts {@code test} on {@code nsid} (0xFFFFFFFF: all, 0: the controller only), or
     * aborts; another NSID that is not active is refused before anything is sent.
     */
    void selfTest(int nsid, SelfTest test);

    /** The Device Self-test log. */
    SelfTestLog selfTestLog();

    /**
     * Sanitize: erases every namespace of the NVM subsystem ({@code action}); {@code overwritePasses}
     * (0-15, 0 meaning 16), {@code invertPattern} (between passes) and {@code pattern} only for
     * {@link SanitizeAction#OVERWRITE}.
     */
    void sanitize(SanitizeAction action, boolean allowUnrestrictedExit, boolean noDeallocate, int overwritePasses,
                  boolean invertPattern, int pattern, Confirm confirm);

    /** The Sanitize Status log. */
    default SanitizeStatus sanitizeStatus() {
        return sanitizeStatus(false);
    }

    /**
     * The Sanitize Status log; {@code retainAsyncEvent} (RAE) leaves a sanitize completion event
     * pending, which reading the log otherwise clears.
     */
    SanitizeStatus sanitizeStatus(boolean retainAsyncEvent);

    /**
     * Throws UnsupportedOperationException, naming the Identify Controller field, its value and the
     * bit, unless the controller supports {@code command} (read from Identify Controller now).
     */
    void requireSupported(OptionalCommand command);
}
