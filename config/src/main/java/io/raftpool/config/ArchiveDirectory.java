package io.raftpool.config;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.Optional;
import java.util.Set;

/**
 * archive.directory on this node: created for the PostgreSQL OS user when it is missing (an
 * empty archive is a fine start), else checked to be a directory that user can write.
 */
final class ArchiveDirectory {
    private ArchiveDirectory() {}

    /**
     * Made under a temporary name with its owner and mode, then renamed into place: agents of
     * several nodes on one machine start at once, and none may see it half made.
     */
    private static void create(Path dir, UserPrincipal user) throws IOException {
        Files.createDirectories(dir.getParent());
        Path tmp = Files.createTempDirectory(dir.getParent(), dir.getFileName() + ".new-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Files.setOwner(tmp, user);
        try {
            Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            Files.deleteIfExists(tmp); // another agent made it first: what it made is checked below
            if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
                throw e;
            }
        }
    }

    /** Empty when the directory is ready; else what is wrong, naming the key and the fix. */
    static Optional<String> prepare(Path dir, String osUser) {
        String key = "archive.directory: ";
        try {
            UserPrincipal user = FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByName(osUser);
            if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
                create(dir, user);
            }
            if (!Files.isDirectory(dir)) {
                return Optional.of(key + dir + " is not a directory; point it at the WAL archive's directory");
            }
            Set<PosixFilePermission> mode = Files.getPosixFilePermissions(dir);
            UserPrincipal owner = Files.getOwner(dir);
            boolean writable = owner.equals(user) && mode.contains(PosixFilePermission.OWNER_WRITE)
                    && mode.contains(PosixFilePermission.OWNER_EXECUTE)
                    || mode.contains(PosixFilePermission.GROUP_WRITE) && mode.contains(PosixFilePermission.GROUP_EXECUTE)
                    || mode.contains(PosixFilePermission.OTHERS_WRITE) && mode.contains(PosixFilePermission.OTHERS_EXECUTE);
            if (!writable) {
                return Optional.of(key + dir + " is not writable by " + osUser + " (owner " + owner.getName() + ", mode "
                        + PosixFilePermissions.toString(mode) + "); allowed: a directory " + osUser + " can write,"
                        + " e.g. chown " + osUser + " " + dir);
            }
            return Optional.empty();
        } catch (IOException | UnsupportedOperationException e) {
            return Optional.of(key + dir + " cannot be prepared for " + osUser + ": " + e.getMessage());
        }
    }
}
